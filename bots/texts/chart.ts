import { volume } from './format.ts';

// The consumption chart: the button on an account's view, what the chat says around the picture, and the words
// drawn on it (Ukrainian month names, м³).

const MONTHS_SHORT = ['січ', 'лют', 'бер', 'квіт', 'трав', 'черв', 'лип', 'серп', 'вер', 'жовт', 'лист', 'груд'];
const MONTHS_FULL = ['січень', 'лютий', 'березень', 'квітень', 'травень', 'червень', 'липень', 'серпень', 'вересень', 'жовтень', 'листопад', 'грудень'];

const monthIndex = (month: string) => Number(month.slice(5, 7)) - 1;

export const chartTexts = {
  button: 'Графік споживання',
  preparing: 'Готую графік…',
  caption: (number: string, average: number | null) =>
    `Графік споживання води, рахунок № ${number}.` + (average !== null ? ` У середньому ${volume(Math.round(average * 10) / 10)} на місяць.` : ''),
  noData: 'Для графіка ще немає даних: ні нарахувань за об’ємом, ні показників лічильників за останні два роки.',
  fileName: (number: string) => `grafik-spozhyvannia-${number}.png`,

  // On the picture.
  title: 'Споживання води, м³',
  subtitle: (number: string, from: string, to: string) => `Рахунок № ${number} · ${monthLong(from)} – ${monthLong(to)}`,
  /** Under a bar: the month, and on a second line the year where it changes. */
  axisLabel: (month: string, withYear: boolean) => (withYear ? [MONTHS_SHORT[monthIndex(month)]!, month.slice(0, 4)] : [MONTHS_SHORT[monthIndex(month)]!]),
  meterSeries: (serial: string, place: string) => `Лічильник № ${serial}${place ? ` (${place})` : ''}`,
  billedSeries: 'Разом за нарахуваннями',
  averageLabel: (average: number) => `середнє ${number(average)} м³`,
  currentLabel: 'зараз',
  currentNote: 'Поточний місяць — до останнього показника',
  noBars: 'Немає даних',
};

function monthLong(month: string): string {
  return `${MONTHS_FULL[monthIndex(month)]} ${month.slice(0, 4)}`;
}

function number(value: number): string {
  return value.toLocaleString('uk-UA', { maximumFractionDigits: 1 });
}
