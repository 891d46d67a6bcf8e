import { describe, expect, it } from 'vitest';
import { formatHouseList, houseKey, houseMatches, parseHouseList, parseOutageTargets } from '../../../core/addresses/index.ts';

const keys = (...houses: string[]) => houses.map((h) => houseKey(h));

describe('houses', () => {
  it('keys houses as written in many ways', () => {
    expect(keys('12', '12а', '12 А', '12-а', '12a', '12/1', '12 корп. 2', '12, корпус 2', 'буд. 7')).toEqual([
      '12', '12а', '12а', '12а', '12а', '12/1', '12к2', '12к2', '7',
    ]);
    expect(keys('', 'а12', '0', '12 кв 5')).toEqual([null, null, null, null]);
  });

  it('parses a list of ranges and houses', () => {
    const list = parseHouseList('1-25, 30, 12а');
    expect(list).toEqual({ ok: true, houses: [{ from: 1, to: 25 }, { house: '30' }, { house: '12а' }] });
    expect(parseHouseList('25-1')).toEqual({ ok: false, problem: { kind: 'bad-range', item: '25-1' } });
    expect(parseHouseList('1-5, котельня')).toEqual({ ok: false, problem: { kind: 'bad-house', item: 'котельня' } });
    expect(parseHouseList(' , ')).toEqual({ ok: false, problem: { kind: 'empty' } });
  });

  it('matches a range by number, a house by number and letter', () => {
    const list = parseHouseList('1-10, 30, 12а');
    if (!list.ok) throw new Error('list');
    const matching = ['1', '10', '5б', '7/2', '30', '30к2', '30/1', '12а'].map(houseKey);
    const other = ['11', '30а', '12', '12б', '31'].map(houseKey);
    for (const key of matching) expect(houseMatches(list.houses, key), key!).toBe(true);
    for (const key of other) expect(houseMatches(list.houses, key), key!).toBe(false);
    expect(houseMatches(null, '999')).toBe(true);
    expect(houseMatches(list.houses, null)).toBe(false);
  });

  it('writes a list back', () => {
    const list = parseHouseList('1-25, 30, 12 а, 4 корп. 1');
    if (!list.ok) throw new Error('list');
    expect(formatHouseList(list.houses)).toBe('1-25, 30, 12а, 4 корп. 1');
    expect(formatHouseList(null)).toBe('');
  });
});

describe('parseOutageTargets', () => {
  it('reads streets with houses, and whole streets', () => {
    expect(parseOutageTargets('Соборна 1-25, 30; Садова')).toEqual({
      ok: true,
      targets: [
        { street: 'Соборна', houses: [{ from: 1, to: 25 }, { house: '30' }] },
        { street: 'Садова', houses: null },
      ],
    });
  });

  it('keeps numbers of the street name apart from the houses', () => {
    expect(parseOutageTargets('вул. 8 Березня 1-5\nпросп. Свободи, 12а')).toEqual({
      ok: true,
      targets: [
        { street: 'вул. 8 Березня', houses: [{ from: 1, to: 5 }] },
        { street: 'просп. Свободи', houses: [{ house: '12а' }] },
      ],
    });
    expect(parseOutageTargets('8 Березня')).toEqual({ ok: true, targets: [{ street: '8 Березня', houses: null }] });
  });

  it('lists every problem at once', () => {
    expect(parseOutageTargets('Соборна 25-1; 12; Садова; садова')).toEqual({
      ok: false,
      problems: [
        { kind: 'bad-houses', street: 'Соборна', houses: '25-1', problem: { kind: 'bad-range', item: '25-1' } },
        { kind: 'no-street', part: '12' },
        { kind: 'repeated-street', street: 'садова' },
      ],
    });
    expect(parseOutageTargets(' ; ')).toEqual({ ok: false, problems: [{ kind: 'empty' }] });
  });
});
