import { describe, expect, it } from 'vitest';
import { addressColumns, parseAddress } from '../../../core/addresses/index.ts';

describe('parseAddress', () => {
  it.each([
    ["м. Кам'янське, вул. Соборна, 12, кв. 5", { street: 'вул. Соборна', house: '12', flat: '5' }],
    ['вул. Соборна, буд. 12а, кв. 5', { street: 'вул. Соборна', house: '12а', flat: '5' }],
    ['Соборна 12/1 кв 7', { street: 'Соборна', house: '12/1', flat: '7' }],
    ['просп. Свободи, 45 корп. 2, кв. 10', { street: 'просп. Свободи', house: '45 корп. 2', flat: '10' }],
    ['просп. Свободи, 45, корп. 2', { street: 'просп. Свободи', house: '45 корп. 2', flat: null }],
    ['пров. Тихий, 3', { street: 'пров. Тихий', house: '3', flat: null }],
    ['бульв. Будівельників, 7Б', { street: 'бульв. Будівельників', house: '7б', flat: null }],
    ['пл. Ринкова, 1', { street: 'пл. Ринкова', house: '1', flat: null }],
    ['Андріївський узвіз, 2', { street: 'Андріївський узвіз', house: '2', flat: null }],
    ['Запорізьке шосе, 30, кв. 101', { street: 'Запорізьке шосе', house: '30', flat: '101' }],
    ['вулиця 8 Березня, 14', { street: 'вулиця 8 Березня', house: '14', flat: null }],
    ["Дніпропетровська обл., м. Кам'янське, вул. Соборна, 12", { street: 'вул. Соборна', house: '12', flat: null }],
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['вул. Соборна', 'no house'],
    ['12, кв. 5', 'no street'],
    ['вул. Соборна, 12, вул. Садова, 3', 'two streets'],
    ['вул. Соборна, будинок без номера', 'house not a number'],
  ])('cannot tell street and house apart in "%s" (%s)', (text) => {
    expect(parseAddress(text)).toBeNull();
  });

  it('gives the columns an account stores, normalised for matching', () => {
    expect(addressColumns(parseAddress('вул. Кам’янська, 12 корп. 2, кв. 5'))).toEqual({
      street: 'вул. Кам’янська',
      house: '12 корп. 2',
      flat: '5',
      streetNorm: 'камянська',
      houseKey: '12к2',
    });
    expect(addressColumns(null)).toEqual({ street: null, house: null, flat: null, streetNorm: null, houseKey: null });
  });
});
