import { createHash } from 'node:crypto';
import type { DecodedMessage, PDU } from 'smpp';

// What one deliver_sm carries, read off the PDU: a delivery receipt (the SMSC's word on a reply we sent — never a
// reading), one part of a long SMS, or a whole SMS. SMPP 3.4 joins long SMS either by a UDH in the message (IEI
// 0x00 with an 8-bit reference, 0x08 with a 16-bit one) or by the sar_* parameters; both are read here.

export type Incoming =
  | { kind: 'receipt'; messageId: string; state: string }
  | { kind: 'part'; sender: string; ref: number; total: number; seqnum: number; text: string }
  | { kind: 'message'; sender: string; text: string; key: string };

const MC_DELIVERY_RECEIPT = 0x04;
const MESSAGE_STATES: Record<number, string> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

function asText(field: unknown): { text: string; udh: Buffer[] } {
  if (field === undefined || field === null || field === '') return { text: '', udh: [] };
  if (typeof field === 'string') return { text: field, udh: [] };
  if (Buffer.isBuffer(field)) return { text: field.toString('latin1'), udh: [] };
  const decoded = field as DecodedMessage;
  const message = Buffer.isBuffer(decoded.message) ? decoded.message.toString('latin1') : String(decoded.message ?? '');
  return { text: message, udh: decoded.udh ?? [] };
}

function concatenation(pdu: PDU, udh: Buffer[]): { ref: number; total: number; seqnum: number } | null {
  for (const element of udh) {
    if (element[0] === 0x00 && element.length >= 5) return { ref: element[2]!, total: element[3]!, seqnum: element[4]! };
    if (element[0] === 0x08 && element.length >= 6) return { ref: element.readUInt16BE(2), total: element[4]!, seqnum: element[5]! };
  }
  const total = pdu.sar_total_segments;
  if (typeof total === 'number' && typeof pdu.sar_msg_ref_num === 'number' && typeof pdu.sar_segment_seqnum === 'number') {
    return { ref: pdu.sar_msg_ref_num, total, seqnum: pdu.sar_segment_seqnum };
  }
  return null;
}

/** Null when the PDU is not something we can keep (no sender): it is answered and dropped. */
export function readDeliverSm(pdu: PDU): Incoming | null {
  const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
  const payload = pdu.message_payload !== undefined ? asText(pdu.message_payload) : asText(pdu.short_message);
  if ((esmClass & 0x3c) === MC_DELIVERY_RECEIPT) {
    // The receipt's text is «id:… sub:… dlvrd:… stat:DELIVRD …»; the TLVs, when sent, say the same.
    const id = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : /id:(\S+)/.exec(payload.text)?.[1];
    const state =
      typeof pdu.message_state === 'number' ? MESSAGE_STATES[pdu.message_state] : /stat:(\w+)/.exec(payload.text)?.[1];
    if (!id) return null;
    return { kind: 'receipt', messageId: id, state: state ?? 'UNKNOWN' };
  }
  const sender = typeof pdu.source_addr === 'string' ? pdu.source_addr : '';
  if (sender === '') return null;
  const part = concatenation(pdu, payload.udh);
  if (part && part.total > 1 && part.seqnum >= 1 && part.seqnum <= part.total) return { kind: 'part', sender, ...part, text: payload.text };
  // The SMSC gives an MO message no id of its own: a redelivery repeats sender, sequence number and text.
  return { kind: 'message', sender, text: payload.text, key: `mo:${sender}:${pdu.sequence_number}:${textHash(payload.text)}` };
}
