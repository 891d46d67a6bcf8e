import { describe, expect, it } from 'vitest';
import { parseEndInput, parsePeriodInput } from '../../../core/outages/period-input.ts';

const TZ = 'Europe/Kyiv';
// 2026-12-05 10:00 in Kyiv (UTC+2).
const now = new Date('2026-12-05T08:00:00Z');

describe('the period staff type into the outage form', () => {
  it('reads times of today, dates with and without a year, ISO dates and every kind of dash', () => {
    expect(parsePeriodInput('12:00-18:00', now, TZ)).toEqual({ kind: 'period', startsAt: '2026-12-05T10:00:00.000Z', endsAt: '2026-12-05T16:00:00.000Z' });
    expect(parsePeriodInput('06.12 09:00 – 06.12 18:30', now, TZ)).toEqual({ kind: 'period', startsAt: '2026-12-06T07:00:00.000Z', endsAt: '2026-12-06T16:30:00.000Z' });
    expect(parsePeriodInput('06.12.2026 09:00 — 14:00', now, TZ)).toMatchObject({ endsAt: '2026-12-06T12:00:00.000Z' });
    expect(parsePeriodInput('2026-12-06 09:00 - 2026-12-07 09:00', now, TZ)).toMatchObject({ startsAt: '2026-12-06T07:00:00.000Z', endsAt: '2026-12-07T07:00:00.000Z' });
    expect(parsePeriodInput('з 12.00 до 15.30', now, TZ)).toMatchObject({ startsAt: '2026-12-05T10:00:00.000Z', endsAt: '2026-12-05T13:30:00.000Z' });
  });

  it('takes an end time earlier than the start as the next morning (night works)', () => {
    expect(parsePeriodInput('22:00-06:00', now, TZ)).toEqual({ kind: 'period', startsAt: '2026-12-05T20:00:00.000Z', endsAt: '2026-12-06T04:00:00.000Z' });
  });

  it('refuses what it cannot read, an end before the start and a period already over', () => {
    for (const text of ['завтра зранку', '12:00', '25:00-26:00', '31.02 10:00 - 11:00', '12:00-18:00-19:00', '']) {
      expect(parsePeriodInput(text, now, TZ), text).toEqual({ kind: 'unreadable' });
    }
    expect(parsePeriodInput('06.12 18:00 - 06.12 09:00', now, TZ)).toEqual({ kind: 'end-before-start' });
    expect(parsePeriodInput('04.12 08:00 - 04.12 09:00', now, TZ)).toEqual({ kind: 'already-over' });
  });

  it('lets an emergency that began earlier today run on', () => {
    expect(parsePeriodInput('07:30-14:00', now, TZ)).toEqual({ kind: 'period', startsAt: '2026-12-05T05:30:00.000Z', endsAt: '2026-12-05T12:00:00.000Z' });
  });
});

describe('a new end time', () => {
  const startsAt = '2026-12-05T07:00:00.000Z';
  it('reads a time (today, or tomorrow once passed) and a date with a time', () => {
    expect(parseEndInput('18:00', startsAt, now, TZ)).toEqual({ kind: 'end', endsAt: '2026-12-05T16:00:00.000Z' });
    expect(parseEndInput('08:00', startsAt, now, TZ)).toEqual({ kind: 'end', endsAt: '2026-12-06T06:00:00.000Z' });
    expect(parseEndInput('до 07.12 12:00', startsAt, now, TZ)).toEqual({ kind: 'end', endsAt: '2026-12-07T10:00:00.000Z' });
  });
  it('refuses an end before the start, one already past, and words', () => {
    expect(parseEndInput('05.12 08:30', startsAt, now, TZ)).toEqual({ kind: 'end-before-start' });
    expect(parseEndInput('05.12 09:30', startsAt, now, TZ)).toEqual({ kind: 'already-over' });
    expect(parseEndInput('ввечері', startsAt, now, TZ)).toEqual({ kind: 'unreadable' });
  });
});

describe('Kyiv time', () => {
  it('follows the summer offset, and refuses the hour skipped when clocks go forward', () => {
    const july = new Date('2026-07-01T06:00:00Z');
    expect(parsePeriodInput('12:00-13:00', july, TZ)).toMatchObject({ startsAt: '2026-07-01T09:00:00.000Z' });
    expect(parsePeriodInput('29.03.2026 03:30 - 29.03.2026 05:00', new Date('2026-03-28T10:00:00Z'), TZ)).toEqual({ kind: 'unreadable' });
  });
});
