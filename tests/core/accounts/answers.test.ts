import { describe, expect, it } from 'vitest';
import { matchesAny, paymentAnswer, surnameAnswer } from '../../../core/accounts/answers.ts';

describe('surnameAnswer', () => {
  it.each([
    ['Мар', 'мар'],
    ['МАР', 'мар'],
    ["Мар'", 'мар'],
    ['Марʼ', 'мар'],
    ['Мар’яненко', 'мар'],
    ['Map', 'мар'], // Latin M, a, p
    ['iва', 'іва'], // Latin i for Ukrainian і
    ['IВА', 'іва'],
    ['ïжа', 'їжа'],
    ['І\u0308жа', 'їжа'], // І followed by a combining diaeresis
    ['  шЕвченко ', 'шев'],
  ])('reads %j as %j', (typed, letters) => {
    expect(surnameAnswer(typed)).toBe(letters);
  });

  it.each(['', 'Ш', "Ш'в", '12', '---'])('refuses %j: fewer than three letters', (typed) => {
    expect(surnameAnswer(typed)).toBeNull();
  });
});

describe('paymentAnswer', () => {
  it.each([
    ['1234,50', 123450],
    ['1 234.5', 123450],
    ['1234.50 грн', 123450],
  ])('reads %j as %i kopecks', (typed, kop) => {
    expect(paymentAnswer(typed)).toBe(kop);
  });
  it.each(['0', '-5', 'дуже багато', '12,345'])('refuses %j', (typed) => {
    expect(paymentAnswer(typed)).toBeNull();
  });
});

describe('matchesAny', () => {
  it('finds the answer among candidates, wherever it stands', () => {
    expect(matchesAny('123450', ['99', '123450'])).toBe(true);
    expect(matchesAny('123450', ['123450', '99'])).toBe(true);
    expect(matchesAny('123450', ['12345', '1234500'])).toBe(false);
    expect(matchesAny('мар', [])).toBe(false);
  });
});
