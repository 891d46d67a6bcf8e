import { describe, expect, it } from 'vitest';
import { namesOfStreet, normalizeStreetName, streetKey } from '../../../core/addresses/index.ts';

describe('street names', () => {
  it('folds case, apostrophes, the street type and spacing', () => {
    const key = normalizeStreetName("вул. Кам'янська");
    for (const spelling of ['Кам’янська вулиця', 'КАМʼЯНСЬКА', 'вулиця  Кам`янська', 'кам‘янська, вул.', 'Камянська']) {
      expect(normalizeStreetName(spelling)).toBe(key);
    }
    expect(normalizeStreetName('просп. Свободи')).toBe('свободи');
    expect(normalizeStreetName('пров.Тихий')).toBe('тихий');
    expect(normalizeStreetName('бульвар Будівельників')).toBe('будівельників');
  });

  it('reads Latin look-alikes typed into a Cyrillic name as Cyrillic', () => {
    // "Соборна" with a Latin C, o, p and a.
    expect(normalizeStreetName('Coбоpнa')).toBe('соборна');
    expect(normalizeStreetName('Садова')).not.toBe(normalizeStreetName('Cадовий'));
  });

  it('keeps numbers that are part of a name', () => {
    expect(normalizeStreetName('вул. 8 Березня')).toBe('8 березня');
  });

  it('maps an old name to the one in use through the aliases', () => {
    const aliases = new Map([['леніна', 'соборна'], ['карла маркса', 'соборна']]);
    expect(streetKey('вул. Леніна', aliases)).toBe('соборна');
    expect(streetKey('Соборна', aliases)).toBe('соборна');
    expect(streetKey('Садова', aliases)).toBe('садова');
    expect(namesOfStreet('соборна', aliases).sort()).toEqual(['карла маркса', 'леніна', 'соборна']);
  });
});
