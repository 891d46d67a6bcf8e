// The SMS side of the subscriber pane: a demo phone writes to the utility's number through the local stand-in of
// an SMSC (the app is bound to it over SMPP, as to an operator), and the replies appear as the app sends them,
// each with the number of SMS parts it took. The helpers (el, call, act, keepPinned) are the page's own.

// Ukrainian needs UCS-2: 70 characters fit one SMS, and each part of a longer one carries 67.
const SINGLE_PART = 70;
const CONCAT_PART = 67;
const partsOf = (text) => (text.length <= SINGLE_PART ? 1 : Math.ceil(text.length / CONCAT_PART));
const partsLabel = (n) => `${n} SMS`;

const SAMPLES = ['1540', '001 1540', 'ДОПОМОГА', 'ТАК', 'СТОП'];

export function createSmsSide({ el, call, act, keepPinned }) {
  const $ = (id) => document.getElementById(id);
  const side = { info: null, phone: null, version: '', view: null, pinned: true };

  function drawPhones() {
    const select = $('sms-phone-select');
    select.replaceChildren(...side.info.phones.map((p) => el('option', { value: p.phone, selected: p.phone === side.phone }, p.label)));
  }

  function bubble(message) {
    const time = new Date(message.date * 1000).toLocaleTimeString('uk-UA', { hour: '2-digit', minute: '2-digit' });
    return el(
      'div',
      { class: `bubble ${message.mine ? 'mine' : 'theirs'}`, dataset: { seq: message.seq, parts: message.parts } },
      el(
        'div',
        { class: 'bubble-body' },
        el('div', { class: 'text' }, message.text),
        el('div', { class: 'meta' }, el('span', { class: 'sms-parts' }, partsLabel(message.parts)), ` · ${time}`),
      ),
    );
  }

  function draw() {
    const view = side.view;
    const box = $('sms-messages');
    const status = !side.info.on
      ? 'SMS_SMPP_URL задано: SMS ходять через справжній SMSC'
      : view?.bound
        ? `на номер ${side.info.serviceNumber} · локальна імітація SMSC`
        : 'застосунок під’єднується до імітації SMSC…';
    $('sms-status').textContent = status;
    $('sms-title').textContent = `Водоканал (${side.info.serviceNumber})`;
    if (!view) return;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    box.replaceChildren(
      ...(view.messages.length
        ? view.messages.map(bubble)
        : [el('div', { class: 'empty' }, `Надішліть SMS на номер ${side.info.serviceNumber}: показник, напр. 1540, або ДОПОМОГА.`)]),
    );
    if (atBottom || side.pinned) box.scrollTop = box.scrollHeight;
    side.pinned = false;
  }

  function count() {
    const text = $('sms-input').value;
    $('sms-count').textContent = text ? `${text.length} · ${partsLabel(partsOf(text))}` : '';
  }

  async function poll() {
    const phone = side.phone;
    if (!side.info || phone === null) return;
    const view = await call('GET', `/sms/${encodeURIComponent(phone)}?version=${encodeURIComponent(side.version)}`);
    if (phone !== side.phone || !view) return;
    side.view = view;
    side.version = view.version;
    draw();
  }

  async function send(text) {
    await call('POST', `/sms/${encodeURIComponent(side.phone)}/text`, { text });
    side.pinned = true;
    await poll();
  }

  function choose(phone) {
    side.phone = phone;
    side.version = '';
    side.view = null;
    side.pinned = true;
    localStorage.setItem('playground.sms.phone', phone);
    $('sms-messages').replaceChildren(el('div', { class: 'empty' }, 'Завантаження…'));
    act(poll());
  }

  function wire() {
    keepPinned($('sms-messages'));
    $('sms-phone-select').addEventListener('change', (e) => choose(e.target.value));
    $('sms-input').addEventListener('input', count);
    $('sms-samples').replaceChildren(
      ...SAMPLES.map((sample) =>
        el('button', { type: 'button', class: 'chip', title: 'Вставити в SMS', onclick: () => ((($('sms-input').value = sample), count(), $('sms-input').focus())) }, sample),
      ),
    );
    $('sms-composer').addEventListener('submit', (e) => {
      e.preventDefault();
      const input = $('sms-input');
      const text = input.value.trim();
      if (!text) return;
      input.value = '';
      count();
      act(send(text));
    });
  }

  return {
    wire,
    /** The page's /state answered: the phones to choose from. */
    load(info) {
      side.info = info;
      const saved = localStorage.getItem('playground.sms.phone');
      if (side.phone === null) side.phone = info.phones.some((p) => p.phone === saved) ? saved : info.phones[0]?.phone ?? null;
      drawPhones();
      draw();
    },
    poll,
    shown() {
      side.pinned = true;
      if (side.phone !== null) choose(side.phone);
    },
  };
}
