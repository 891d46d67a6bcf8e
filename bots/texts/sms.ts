// Replies by SMS. Every reply must fit the part limit core sets (core/sms/parts.ts: two UCS-2 parts): they are
// short on purpose, and what could still run over (a long list of serials) is cut by core's fitSmsReply.
import { fitSmsReply, smsParts, SMS_MAX_PARTS } from '../../core/sms/parts.ts';
import type { SmsAnswer } from '../../core/sms/answer.ts';
import type { SmsOutcome, SmsReadingOutcome, SmsRefusal } from '../../core/sms/types.ts';
import { day, period } from './format.ts';

export { smsParts, SMS_CONCAT_PART_UNITS, SMS_MAX_PARTS, SMS_SINGLE_PART_UNITS } from '../../core/sms/parts.ts';

/** dd.mm: the year is plain from the context of an SMS about this month. */
const short = (localDate: string) => day(localDate).slice(0, 5);
const list = (serials: string[]) => serials.join(', ');

export const smsTexts = {
  unknownPhone: 'Номер не зареєстровано. Додайте його в кабінеті в Telegram чи Viber або в абонвідділі.',
  noMeters: 'За вашим рахунком немає лічильників. Зателефонуйте нам.',
  help: 'Надішліть показник: 1540. Кілька лічильників: ХВ-001 1540 ХВ-002 830 або 001 1540. СТОП — без SMS-нагадувань.',
  stopped: 'SMS-нагадування вимкнено.',
  unreadable: (serials: string[]) =>
    serials.length === 1 ? 'Не зрозуміли. Надішліть лише показник, напр. 1540. ДОПОМОГА — формати.' : `Не зрозуміли. Пишіть: ${serials[0]} 1540. ДОПОМОГА — формати.`,
  nothingToConfirm: 'Немає показника, що чекає на ТАК. Надішліть його ще раз.',
  leak: 'Це набагато більше звичного: перевірте бачок унітаза і крани.',
};

function refusalText(serial: string, value: string, refusal: SmsRefusal): string {
  switch (refusal.kind) {
    case 'same-day':
      return `${serial}: сьогодні показник уже прийнято. Наступний — з ${short(refusal.retryOn)}.`;
    case 'outside-window':
      return `${serial}: зараз показники не приймаємо. Надішліть з ${short(refusal.opensOn)}.`;
    case 'verification-overdue':
      return `${serial}: повірку прострочено ${short(refusal.due)}, показник не приймаємо. Зателефонуйте нам.`;
    case 'invalid-value':
      return `${serial}: показник — лише цифри, напр. 1540.`;
    case 'over-capacity':
      return `${serial}: ${value} — забагато цифр, лічильник показує до ${refusal.maxValue}.`;
    case 'lower':
      return `${serial}: ${value} менше за останній (${refusal.lastValue}). Напишіть лист у кабінеті або зателефонуйте.`;
    case 'photo-required':
      return `${serial}: такий показник приймаємо лише з фото лічильника — у кабінеті Telegram чи Viber.`;
  }
}

function readingText(result: SmsReadingOutcome, leak = false): string {
  switch (result.kind) {
    case 'accepted': {
      const r = result.receipt;
      const receipt = `Прийнято ${r.meterSerial}: ${r.value}, спожито ${r.consumption} м³ (${period(`${r.period}-01`)}).`;
      return leak && r.leak ? `${receipt} ${smsTexts.leak}` : receipt;
    }
    case 'refused':
      return refusalText(result.meterSerial, result.value, result.refusal);
    case 'needs-confirmation':
      return `${result.meterSerial}: ${result.value} — це +${result.consumption} м³. Якщо вірно, надішліть ТАК протягом години.`;
    case 'ambiguous':
      return `Вкажіть лічильник: ${list(result.serials.map((s) => `${s} 1540`).slice(0, 1))}. Ваші: ${list(result.serials)}`;
    case 'unknown-meter':
      return result.serials.length > 0 ? `Лічильника «${result.target}» немає. Ваші: ${list(result.serials)}` : `Лічильника «${result.target}» немає.`;
  }
}

/** The whole reply to one SMS, at most two parts. */
export function smsReply(outcome: SmsOutcome): string {
  const text = (() => {
    switch (outcome.kind) {
      case 'unknown-phone':
        return smsTexts.unknownPhone;
      case 'no-meters':
        return smsTexts.noMeters;
      case 'help':
        return smsTexts.help;
      case 'stopped':
        return smsTexts.stopped;
      case 'unreadable':
        return smsTexts.unreadable(outcome.serials);
      case 'nothing-to-confirm':
        return smsTexts.nothingToConfirm;
      case 'readings': {
        // A leak warning goes only when the whole reply still fits two parts: the receipts come first.
        const plain = outcome.results.map((r) => readingText(r)).join('\n');
        const warned = outcome.results.map((r) => readingText(r, true)).join('\n');
        return warned !== plain && smsParts(warned) <= SMS_MAX_PARTS ? warned : plain;
      }
    }
  })();
  return fitSmsReply(text);
}

/** The reply to a phone over its daily limit: sent once, at the limit. */
export const smsLimitReached = 'Забагато SMS за сьогодні. Наступні прочитаємо завтра.';

/** Whatever core answers an SMS with, as the SMS says it. */
export function smsAnswerText(answer: SmsAnswer): string {
  return answer.kind === 'limit-reached' ? smsLimitReached : smsReply(answer);
}
