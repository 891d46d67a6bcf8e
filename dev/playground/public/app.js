// The playground page: plays subscribers and staff against the real bots through the local stand-ins of Telegram
// and Viber. Plain JS, no framework, no external asset. Talks only to /playground/api on this server.
// A subscriber is on one channel (Telegram or Viber); staff always work in the Telegram staff group.

import { createSmsSide } from './sms.js';

const API = '/playground/api';
const POLL_MS = 500;

const state = {
  info: null,
  channel: localStorage.getItem('playground.channel') === 'viber' ? 'viber' : 'telegram',
  subscriberId: null,
  /** The subscriber last open on each channel, so switching channels comes back to them. */
  subscriberOf: { telegram: null, viber: null },
  staffMemberId: null,
  sub: { view: null, version: '', hiddenKeyboard: null, keyboardOpen: true },
  staff: { view: null, version: '', topic: null, autoTopic: true, replyTo: null, seenSeq: new Map() },
  seenNotices: new Set(),
  staffSeenTotal: 0,
  pane: 'subscriber',
  attachTarget: null,
  /** The SMS side is open instead of the messenger chat (the channel switch's third button). */
  smsOpen: localStorage.getItem('playground.sms') === 'yes',
};

const $ = (id) => document.getElementById(id);

// ── talking to the server ────────────────────────────────────────────────────

async function call(method, path, body) {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `Помилка ${response.status}`);
  return data;
}

function act(promise) {
  return promise.catch((error) => toast(error.message, true));
}

// ── drawing helpers ──────────────────────────────────────────────────────────

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const safeUrl = (url) => (/^(https?:|tg:|mailto:|tel:)/i.test(url) ? url : null);

/** Telegram's entities (UTF-16 offsets, as JS strings count) turned into nested inline elements. */
function richText(text, entities = []) {
  const fragment = document.createDocumentFragment();
  if (!entities.length) {
    fragment.append(text);
    return fragment;
  }
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(Math.max(0, Math.min(text.length, e.offset)));
    cuts.add(Math.max(0, Math.min(text.length, e.offset + e.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const from = points[i];
    const to = points[i + 1];
    let node = document.createTextNode(text.slice(from, to));
    const covering = entities.filter((e) => e.offset <= from && e.offset + e.length >= to);
    for (const e of covering.reverse()) {
      let wrapper;
      switch (e.type) {
        case 'bold': wrapper = el('strong'); break;
        case 'italic': wrapper = el('em'); break;
        case 'underline': wrapper = el('u'); break;
        case 'strikethrough': wrapper = el('s'); break;
        case 'code': wrapper = el('code'); break;
        case 'pre': wrapper = el('code', { class: 'pre' }); break;
        case 'spoiler': wrapper = el('span', { class: 'spoiler', title: 'Спойлер' }); break;
        case 'blockquote':
        case 'expandable_blockquote': wrapper = el('span', { class: 'quote' }); break;
        case 'text_link': {
          const href = safeUrl(e.url || '');
          wrapper = href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }) : el('span');
          break;
        }
        case 'url': {
          const raw = text.slice(e.offset, e.offset + e.length);
          const href = safeUrl(/^[a-z]+:/i.test(raw) ? raw : `https://${raw}`);
          wrapper = href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }) : el('span');
          break;
        }
        default: wrapper = null;
      }
      if (wrapper) {
        wrapper.append(node);
        node = wrapper;
      }
    }
    fragment.append(node);
  }
  return fragment;
}

const clock = (unix) => new Date(unix * 1000).toLocaleTimeString('uk-UA', { hour: '2-digit', minute: '2-digit' });

/** One chat bubble; `options.onPress(message, button)` for inline buttons, `options.onReply(message)` adds "Відповісти". */
function bubble(message, options) {
  if (message.topicCreated !== undefined) {
    return el('div', { class: 'service', dataset: { seq: message.seq } }, `Створено тему «${message.topicCreated}»`);
  }
  if (message.service !== undefined) return el('div', { class: 'service', dataset: { seq: message.seq } }, message.service);
  const mine = options.isMine(message);
  const body = el('div', { class: 'bubble-body' });
  if (options.showAuthor && message.from && !mine) body.append(el('div', { class: 'author' }, message.byBot ? `${message.from.name} (бот)` : message.from.name));
  if (message.forwardedFrom) body.append(el('div', { class: 'forwarded' }, `Переслано від ${message.forwardedFrom}`));
  if (message.replyTo) body.append(el('div', { class: 'reply-quote' }, el('b', {}, message.replyTo.name || ''), ' ', message.replyTo.snippet));
  if (message.photo || message.photoUrl) {
    const src = message.photoUrl || `${API}/files/${encodeURIComponent(message.photo)}`;
    body.append(el('img', { class: 'photo', src, alt: message.caption || 'Фото', loading: 'lazy' }));
  }
  if (message.document) {
    const href = message.document.url || `${API}/files/${encodeURIComponent(message.document.fileId)}`;
    body.append(el('a', { class: 'document', href, download: message.document.name }, `📄 ${message.document.name}`));
  }
  if (message.contact) {
    body.append(el('div', { class: 'contact' }, `📱 ${message.contact.name}`, el('br'), `+${message.contact.phone.replace(/^\+/, '')}`));
  }
  if (message.other) body.append(el('div', { class: 'other' }, message.other));
  if (message.invoice) body.append(invoiceCard(message, options));
  if (message.payment) body.append(viberPaymentCard(message, options));
  if (message.text !== undefined) body.append(el('div', { class: 'text' }, richText(message.text, message.entities)));
  if (message.caption !== undefined) body.append(el('div', { class: 'text' }, richText(message.caption, message.captionEntities)));
  const meta = el('div', { class: 'meta' }, message.edited ? 'змінено · ' : '', clock(message.date));
  if (options.onReply) {
    meta.prepend(el('button', { type: 'button', class: 'reply-link', onclick: () => options.onReply(message) }, '↩ Відповісти'), ' ');
  }
  body.append(meta);
  const wrap = el('div', { class: `bubble ${mine ? 'mine' : 'theirs'}${message.byBot ? ' from-bot' : ''}`, dataset: { seq: message.seq, messageId: message.id } }, body);
  if (message.inline) {
    const keyboard = el('div', { class: 'inline-keyboard' });
    for (const row of message.inline) {
      keyboard.append(
        el(
          'div',
          { class: 'inline-row' },
          row.map((button) =>
            button.url
              ? el('a', { class: 'inline-button', href: safeUrl(button.url) || '#', target: '_blank', rel: 'noopener noreferrer' }, `${button.text} ↗`)
              : el('button', { type: 'button', class: 'inline-button', onclick: () => options.onPress(message, button) }, button.text),
          ),
        ),
      );
    }
    wrap.append(keyboard);
  }
  return wrap;
}

/** A Telegram invoice as Telegram's apps draw it: title, description, the total, and «Сплатити» (the user's «Pay»). */
function invoiceCard(message, options) {
  const invoice = message.invoice;
  const card = el(
    'div',
    { class: 'invoice' },
    el('div', { class: 'invoice-title' }, invoice.title),
    el('div', { class: 'invoice-description' }, invoice.description),
    el('div', { class: 'invoice-amount' }, invoice.amount, el('span', { class: 'invoice-test' }, ' · ТЕСТОВИЙ ПЛАТІЖ')),
  );
  card.append(
    invoice.paid
      ? el('div', { class: 'invoice-done' }, '✅ Оплачено')
      : el('button', { type: 'button', class: 'pay-button', onclick: (event) => options.onPay?.(message, {}, event.currentTarget) }, `Сплатити ${invoice.amount}`),
  );
  return card;
}

const VIBER_OUTCOMES = { paid: '✅ Оплачено', declined: '✖ Оплату відхилено', expired: '⌛ Час на оплату минув' };

/** Viber's payment message: its checkout (the wallet's sheet) pays or declines; only the newest can be paid. */
function viberPaymentCard(message, options) {
  const payment = message.payment;
  const card = el(
    'div',
    { class: 'invoice' },
    el('div', { class: 'invoice-title' }, `Оплата через ${payment.wallet === 'ApplePay' ? 'Apple Pay' : 'Google Pay'}`),
    el('div', { class: 'invoice-description' }, payment.description),
    el('div', { class: 'invoice-amount' }, payment.amount, el('span', { class: 'invoice-test' }, ' · ТЕСТОВИЙ ПЛАТІЖ')),
  );
  if (payment.outcome) card.append(el('div', { class: 'invoice-done' }, VIBER_OUTCOMES[payment.outcome] || payment.outcome));
  else if (payment.payable) {
    card.append(
      el(
        'div',
        { class: 'pay-row' },
        el('button', { type: 'button', class: 'pay-button', onclick: (event) => options.onPay?.(message, {}, event.currentTarget) }, 'Сплатити'),
        el('button', { type: 'button', class: 'pay-button decline', onclick: (event) => options.onPay?.(message, { decline: true }, event.currentTarget) }, 'Відхилити'),
      ),
    );
  } else card.append(el('div', { class: 'invoice-done' }, 'Сплатити можна лише останнє повідомлення з оплатою'));
  return card;
}

/** «Сплатити» / «Відхилити»: the stand-in plays the channel's checkout; the page waits for it, then redraws. */
async function payInChat(view, message, choice, button) {
  for (const b of button?.parentElement?.querySelectorAll('button') ?? []) b.disabled = true;
  try {
    const result = isViber() ? await call('POST', `${chatPath()}/pay`, choice) : await call('POST', `/chats/${view.chatId}/pay`, { as: state.subscriberId, messageId: message.id });
    if (result.outcome === 'refused') window.alert(`Оплату не прийнято: ${result.error}`);
    else if (result.outcome === 'timeout') toast('Бот не відповів вчасно — Telegram скасував оплату, гроші не списано.', true);
    else if (result.outcome === 'expired') toast('Час на оплату цього повідомлення минув.', true);
  } finally {
    for (const b of button?.parentElement?.querySelectorAll('button') ?? []) b.disabled = false;
  }
  await pollSubscriber(true);
}

// A chat stays pinned to its newest message unless the tester scrolled up to read: through redraws, photos
// loading, the keyboard opening and the pane being shown again.
const nearBottom = (container) => container.scrollHeight - container.scrollTop - container.clientHeight < 80;
const stuck = (container) => container.dataset.stick !== 'no';
function toBottom(container) {
  container.scrollTop = container.scrollHeight;
}
function keepPinned(container) {
  container.addEventListener('scroll', () => {
    if (container.clientHeight > 0) container.dataset.stick = nearBottom(container) ? 'yes' : 'no';
  });
  container.addEventListener('load', () => stuck(container) && toBottom(container), true);
  new ResizeObserver(() => stuck(container) && toBottom(container)).observe(container);
}

function drawMessages(container, messages, options) {
  container.replaceChildren(...(messages.length ? messages.map((m) => bubble(m, options)) : [el('div', { class: 'empty' }, options.empty)]));
  if (options.forceScroll) container.dataset.stick = 'yes';
  if (stuck(container)) toBottom(container);
}

let toastTimer;
function toast(text, isError = false) {
  const box = $('toast');
  box.textContent = text;
  box.classList.toggle('error', isError);
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), isError ? 6000 : 3500);
}

function showNotices(view) {
  for (const notice of view.notices || []) {
    if (state.seenNotices.has(notice.id)) continue;
    state.seenNotices.add(notice.id);
    if (notice.alert) window.alert(notice.text);
    else toast(notice.text);
  }
}

// ── the subscriber's phone ───────────────────────────────────────────────────

const isViber = () => state.channel === 'viber';

function subscribersOfChannel() {
  if (!state.info) return [];
  return isViber() ? state.info.viber.subscribers : state.info.subscribers;
}

function currentSubscriber() {
  return subscribersOfChannel().find((s) => s.id === state.subscriberId);
}

/** Where the current subscriber's chat lives in the API. */
function chatPath() {
  return isViber() ? `/viber/chats/${encodeURIComponent(state.subscriberId)}` : `/chats/${state.subscriberId}`;
}

function drawSubscriberSwitcher() {
  const select = $('subscriber-select');
  select.replaceChildren(...subscribersOfChannel().map((s) => el('option', { value: String(s.id), selected: s.id === state.subscriberId }, s.name)));
}

function drawChannel() {
  const viber = isViber();
  for (const button of document.querySelectorAll('.channel')) {
    const active = button.dataset.channel === (state.smsOpen ? 'sms' : state.channel);
    button.classList.toggle('active', active);
    button.setAttribute('aria-pressed', String(active));
  }
  $('pane-subscriber').classList.toggle('viber', viber);
  $('pane-subscriber').classList.toggle('sms', state.smsOpen);
  $('sms-side').hidden = !state.smsOpen;
  $('channel-label').textContent = viber ? state.info?.viber?.label || 'Viber (локальна імітація)' : 'Telegram (локальна імітація)';
  // What the bot makes of the number differs by channel (bots/flows/phone-step.ts): say it before it is sent.
  $('phone-hint').textContent = viber
    ? 'У Viber кнопка «Надіслати мій номер» надсилає боту номер як картку контакту — таку саму, як будь-яка переслана з телефонної книги. Тому Viber не підтверджує, що номер саме ваш: бот збереже його, щоб водоканал міг вам зателефонувати, але рахунки за ним не запропонує — рахунок додається за номером із квитанції та доказом (див. «Демо-рахунки»).'
    : 'У Telegram ця кнопка надсилає боту ваш власний номер, і Telegram підтверджує, що він ваш: якщо номер є в білінгу, бот запропонує рахунки одним натисканням. Тут номер можна обрати.';
  $('new-last-name').hidden = viber;
  $('new-first-name').placeholder = viber ? "Ім'я та прізвище (як у профілі Viber)" : "Ім'я";
}

function setChannel(channel) {
  if (channel === state.channel) return;
  state.subscriberOf[state.channel] = state.subscriberId;
  state.channel = channel;
  localStorage.setItem('playground.channel', channel);
  drawChannel();
  const list = subscribersOfChannel();
  const remembered = state.subscriberOf[channel] ?? savedSubscriber(channel);
  const id = list.some((s) => s.id === remembered) ? remembered : list[0]?.id ?? null;
  state.subscriberId = id;
  drawSubscriberSwitcher();
  switchSubscriber(id);
}

// ── SMS ──────────────────────────────────────────────────────────────────────

const sms = createSmsSide({ el, call, act, keepPinned });

function chooseChannel(channel) {
  const toSms = channel === 'sms';
  if (toSms !== state.smsOpen) {
    state.smsOpen = toSms;
    localStorage.setItem('playground.sms', toSms ? 'yes' : 'no');
    drawChannel();
    if (toSms) sms.shown();
    else drawSubscriberChat(true);
  }
  if (!toSms) setChannel(channel);
}

function savedSubscriber(channel) {
  const saved = localStorage.getItem(`playground.subscriber.${channel}`) ?? (channel === 'telegram' ? localStorage.getItem('playground.subscriber') : null);
  if (saved === null) return null;
  return channel === 'telegram' ? Number(saved) : saved;
}

function drawKeyboard(view) {
  const box = $('sub-keyboard');
  const keyboard = view.keyboard;
  const hidden = !keyboard || state.sub.hiddenKeyboard === keyboard.fromSeq || !state.sub.keyboardOpen;
  $('sub-keyboard-toggle').hidden = !keyboard;
  // The keyboard's own «Надіслати мій номер» is the way to share; the bar stands in only while it is folded away.
  $('contact-bar').hidden = !view.asksContact || !hidden;
  if (!keyboard) {
    box.hidden = true;
    box.replaceChildren();
    $('sub-input').placeholder = 'Повідомлення';
    return;
  }
  $('sub-input').placeholder = keyboard.placeholder || 'Повідомлення';
  box.hidden = hidden;
  box.replaceChildren(
    ...keyboard.rows.map((row) =>
      el(
        'div',
        { class: 'kb-row' },
        row.map((button) =>
          button.url
            ? el('a', { class: 'kb-button', href: safeUrl(button.url) || '#', target: '_blank', rel: 'noopener noreferrer' }, `${button.text} ↗`)
            : el(
                'button',
                {
                  type: 'button',
                  class: `kb-button${button.contact ? ' kb-contact' : ''}`,
                  onclick: () => {
                    if (keyboard.oneTime) state.sub.hiddenKeyboard = keyboard.fromSeq;
                    if (button.contact) openPhoneDialog();
                    // A Viber reply button sends its ActionBody; a Telegram keyboard button sends its text.
                    else if (button.actionBody !== undefined) act(pressViberButton(button.actionBody));
                    else act(sendSubscriberText(button.text));
                    drawKeyboard(view);
                  },
                },
                button.contact ? `📱 ${button.text}` : button.text,
              ),
        ),
      ),
    ),
  );
}

function drawSubscriberChat(forceScroll = false) {
  const view = state.sub.view;
  if (!view) return;
  const viber = view.channel === 'viber';
  drawMessages($('sub-messages'), view.messages, {
    isMine: (m) => !m.byBot,
    showAuthor: false,
    empty: viber ? 'Відкриваємо чат із ботом…' : 'Тут ще порожньо. Напишіть /start або натисніть «Почати».',
    forceScroll,
    onPress: (message, button) => act(call('POST', `/chats/${view.chatId}/press`, { as: state.subscriberId, messageId: message.id, data: button.data })),
    onPay: (message, choice, button) => act(payInChat(view, message, choice, button)),
  });
  drawKeyboard(view);
  if (stuck($('sub-messages'))) toBottom($('sub-messages'));
  const empty = view.messages.length === 0;
  $('sub-input').dataset.empty = empty ? 'yes' : 'no';
  if (viber) {
    // Opening a Viber chat sends conversation_started; the bot answers with its welcome message.
    if (!view.opened && state.sub.opening !== view.chatId) {
      state.sub.opening = view.chatId;
      act(call('POST', `${chatPath()}/open`).then(() => pollSubscriber(true)));
    }
  } else if (empty && !$('sub-start')) {
    $('sub-messages').append(el('button', { type: 'button', class: 'start-button', id: 'sub-start', onclick: () => act(sendSubscriberText('/start')) }, 'Почати'));
  }
}

async function sendSubscriberText(text) {
  if (isViber()) await call('POST', `${chatPath()}/text`, { text });
  else await call('POST', `${chatPath()}/text`, { as: state.subscriberId, text });
  await pollSubscriber(true);
}

async function pressViberButton(actionBody) {
  await call('POST', `${chatPath()}/press`, { actionBody });
  await pollSubscriber(true);
}

async function pollSubscriber(forceScroll = false) {
  const id = state.subscriberId;
  const channel = state.channel;
  if (id === null) return;
  const view = await call('GET', `${chatPath()}?version=${encodeURIComponent(state.sub.version)}`);
  if (id !== state.subscriberId || channel !== state.channel || !view) return;
  state.sub.view = view;
  state.sub.version = view.version;
  drawSubscriberChat(forceScroll);
  showNotices(view);
}

function switchSubscriber(id) {
  state.subscriberId = id;
  state.sub = { view: null, version: '', hiddenKeyboard: null, keyboardOpen: true, opening: null };
  $('sub-messages').replaceChildren(el('div', { class: 'empty' }, id === null ? 'Немає абонентів на цьому каналі.' : 'Завантаження…'));
  $('sub-keyboard').hidden = true;
  $('contact-bar').hidden = true;
  if (id === null) return;
  localStorage.setItem(`playground.subscriber.${state.channel}`, String(id));
  act(pollSubscriber(true));
}

// ── sharing the phone ────────────────────────────────────────────────────────

function openPhoneDialog() {
  const dialog = $('phone-dialog');
  const subscriber = currentSubscriber();
  $('phone-input').value = subscriber?.phone || '';
  const known = (state.info.demoAccounts || []).filter((a) => a.phone);
  const suggestions = [
    ...known.map((a) => ({ phone: a.phone, label: `${a.phone} — є в білінгу (рахунок ${a.number})${isViber() ? ', але з Viber не пропонується' : ''}` })),
    { phone: '380501234567', label: '380501234567 — номер, якого немає в білінгу' },
  ];
  $('phone-suggestions').replaceChildren(
    ...suggestions.map((s) => el('button', { type: 'button', class: 'chip', onclick: () => ($('phone-input').value = s.phone) }, s.label)),
  );
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
  $('phone-input').focus();
}

function closePhoneDialog() {
  const dialog = $('phone-dialog');
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}

// ── photos ───────────────────────────────────────────────────────────────────

/** A made-up photo of a water meter, drawn here so the page needs no image file. */
function samplePhoto() {
  const canvas = el('canvas', { width: 640, height: 480 });
  const g = canvas.getContext('2d');
  const sky = g.createLinearGradient(0, 0, 0, 480);
  sky.addColorStop(0, '#c9d6df');
  sky.addColorStop(1, '#8ea4b3');
  g.fillStyle = sky;
  g.fillRect(0, 0, 640, 480);
  g.fillStyle = '#6b7f8c';
  g.fillRect(0, 215, 640, 50);
  g.fillStyle = '#1f5fa8';
  g.beginPath();
  g.arc(320, 240, 170, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#f4f6f8';
  g.beginPath();
  g.arc(320, 240, 145, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#222';
  g.fillRect(195, 190, 250, 60);
  const digits = String(100 + Math.floor(Math.random() * 900)).padStart(5, '0');
  g.font = 'bold 44px monospace';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  for (let i = 0; i < 5; i++) {
    g.fillStyle = '#fff';
    g.fillText(digits[i], 220 + i * 40, 222);
  }
  g.fillStyle = '#c62828';
  g.fillRect(405, 195, 36, 50);
  g.fillStyle = '#333';
  g.font = '20px sans-serif';
  g.fillText('м³  Зразок фото лічильника', 320, 300);
  g.fillText('КВ-204117', 320, 330);
  return canvas.toDataURL('image/jpeg', 0.85);
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    if (!/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
      reject(new Error('Підходять зображення JPEG, PNG, WebP або GIF.'));
      return;
    }
    if (file.size > 10 * 1024 * 1024) {
      reject(new Error('Зображення завелике (до 10 МБ).'));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error('Не вдалося прочитати файл.'));
    reader.readAsDataURL(file);
  });
}

async function sendPhoto(target, dataUrl) {
  if (target === 'subscriber') {
    const input = $('sub-input');
    const caption = input.value.trim();
    input.value = '';
    if (isViber()) await call('POST', `${chatPath()}/picture`, { dataUrl, ...(caption ? { caption } : {}) });
    else await call('POST', `${chatPath()}/photo`, { as: state.subscriberId, dataUrl, ...(caption ? { caption } : {}) });
    await pollSubscriber(true);
  } else {
    const input = $('staff-input');
    const caption = input.value.trim();
    input.value = '';
    await call('POST', `/chats/${state.info.staff.chatId}/photo`, { as: state.staffMemberId, dataUrl, ...staffPlace(), ...(caption ? { caption } : {}) });
    clearStaffReply();
    await pollStaff(true);
  }
}

function openAttachMenu(target, button) {
  const menu = $('attach-menu');
  state.attachTarget = target;
  const rect = button.getBoundingClientRect();
  menu.hidden = false;
  const top = Math.max(8, rect.top + window.scrollY - menu.offsetHeight - 8);
  menu.style.top = `${top}px`;
  menu.style.left = `${Math.max(8, Math.min(window.innerWidth - menu.offsetWidth - 8, rect.left + window.scrollX))}px`;
}

// ── the staff group ──────────────────────────────────────────────────────────

const GENERAL = 'general';

function staffPlace() {
  const place = {};
  if (state.staff.topic !== GENERAL && state.staff.topic !== null) place.threadId = state.staff.topic;
  if (state.staff.replyTo) place.replyTo = state.staff.replyTo.id;
  return place;
}

function clearStaffReply() {
  state.staff.replyTo = null;
  $('staff-replying').hidden = true;
}

function messagesOfTopic(view, topic) {
  return view.messages.filter((m) => (topic === GENERAL ? m.threadId === undefined : m.threadId === topic));
}

function drawStaff(forceScroll = false) {
  const view = state.staff.view;
  if (!view) return;
  $('staff-title').textContent = view.title;
  const topics = view.isForum ? view.topics : [];
  if (state.staff.autoTopic) {
    const busiest = topics[0];
    const generalLast = messagesOfTopic(view, GENERAL).at(-1)?.seq ?? 0;
    state.staff.topic = busiest && busiest.lastSeq >= generalLast ? busiest.threadId : GENERAL;
  }
  if (state.staff.topic !== GENERAL && !topics.some((t) => t.threadId === state.staff.topic)) state.staff.topic = GENERAL;
  const current = state.staff.topic;
  const seen = state.staff.seenSeq;
  const lastOf = (topic) => messagesOfTopic(view, topic).at(-1)?.seq ?? 0;
  seen.set(current, lastOf(current));
  const entry = (topic, name, count, closed) => {
    const unread = messagesOfTopic(view, topic).filter((m) => m.seq > (seen.get(topic) ?? 0)).length;
    return el(
      'button',
      {
        type: 'button',
        class: `topic${topic === current ? ' active' : ''}${closed ? ' closed' : ''}`,
        dataset: { topic: String(topic) },
        onclick: () => {
          state.staff.topic = topic;
          state.staff.autoTopic = false;
          clearStaffReply();
          drawStaff(true);
        },
      },
      el('span', { class: 'topic-name' }, closed ? `🔒 ${name}` : name),
      unread ? el('span', { class: 'badge' }, unread) : el('span', { class: 'topic-count' }, count),
    );
  };
  $('staff-topics').replaceChildren(
    entry(GENERAL, '# Загальне', messagesOfTopic(view, GENERAL).length, false),
    ...topics.map((t) => entry(t.threadId, t.name, t.count, t.closed)),
  );
  const topicName = current === GENERAL ? 'Загальне' : topics.find((t) => t.threadId === current)?.name ?? '';
  $('staff-topic-title').textContent = topicName;
  drawMessages($('staff-messages'), messagesOfTopic(view, current), {
    isMine: (m) => m.from?.id === state.staffMemberId,
    showAuthor: true,
    empty: current === GENERAL ? 'Тут з’являться сповіщення. Листи абонентів приходять у теми — по одній на абонента.' : 'У цій темі ще немає повідомлень.',
    forceScroll,
    onPress: (message, button) =>
      act(call('POST', `/chats/${view.chatId}/press`, { as: state.staffMemberId, messageId: message.id, data: button.data }).then(() => pollStaff())),
    onReply: (message) => {
      state.staff.replyTo = message;
      $('staff-replying-text').textContent = (message.text ?? message.caption ?? 'повідомлення').slice(0, 80);
      $('staff-replying').hidden = false;
      $('staff-input').focus();
    },
  });
  drawStaffBadge();
}

function drawStaffBadge() {
  const view = state.staff.view;
  const total = view ? view.messages.length : 0;
  const badge = $('staff-badge');
  if (state.pane === 'staff' || window.matchMedia('(min-width: 900px)').matches) state.staffSeenTotal = total;
  const unread = total - state.staffSeenTotal;
  badge.hidden = unread <= 0;
  badge.textContent = unread > 0 ? String(unread) : '';
}

async function pollStaff(forceScroll = false) {
  if (!state.info) return;
  const view = await call('GET', `/chats/${state.info.staff.chatId}?version=${encodeURIComponent(state.staff.version)}`);
  if (!view) return;
  state.staff.view = view;
  state.staff.version = view.version;
  drawStaff(forceScroll);
  showNotices(view);
}

// ── demo accounts ────────────────────────────────────────────────────────────

function insertIntoSubscriberInput(value) {
  const input = $('sub-input');
  input.value = value;
  if (!window.matchMedia('(min-width: 900px)').matches) showPane('subscriber');
  input.focus();
}

function drawDemo() {
  const accounts = state.info.demoAccounts || [];
  const value = (text) => el('button', { type: 'button', class: 'chip', title: 'Вставити в поле повідомлення', onclick: () => insertIntoSubscriberInput(text) }, text);
  $('demo-accounts').replaceChildren(
    ...(accounts.length
      ? accounts.map((a) =>
          el(
            'article',
            { class: 'demo-account', dataset: { account: a.number } },
            el('div', { class: 'demo-head' }, value(a.number), el('span', { class: 'holder' }, a.holder)),
            el('div', { class: 'address' }, a.address),
            el('div', { class: 'proofs' }, 'Прізвище: ', value(a.surnameStart), ' · Оплати: ', a.lastPayments.map((p) => [value(p.amount), ' ']).flat()),
            el('div', { class: 'note' }, a.note, a.phone ? ` · тел. ${a.phone}` : ''),
          ),
        )
      : [el('p', { class: 'hint' }, 'Демо-даних немає.')]),
  );
  const phones = accounts.filter((a) => a.phone);
  $('demo-phones').replaceChildren(
    ...phones.map((a) => el('span', {}, `${a.phone} — є в білінгу (рахунок ${a.number}): у Telegram бот запропонує його одним натисканням, а з SMS (кнопка «SMS» над чатом) показник приймається без месенджера. `)),
    'Будь-який інший номер (напр. 380501234567), а у Viber — будь-який номер: рахунок додається за номером рахунку й доказом. Viber не підтверджує, що номер належить тому, хто його надіслав.',
  );
}

// ── panes and tabs ───────────────────────────────────────────────────────────

function showPane(pane) {
  state.pane = pane;
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.dataset.pane === pane);
  for (const section of document.querySelectorAll('.pane')) section.classList.toggle('active', section.id === `pane-${pane}`);
  if (pane === 'staff') drawStaff(true);
  if (pane === 'subscriber') drawSubscriberChat(true);
  drawStaffBadge();
}

// ── start ────────────────────────────────────────────────────────────────────

async function loadInfo() {
  state.info = await call('GET', '/state');
  $('banner').textContent = state.info.banner;
  $('bot-name').textContent = state.info.bot.name;
  if (state.subscriberId === null) {
    const saved = savedSubscriber(state.channel);
    const list = subscribersOfChannel();
    state.subscriberId = list.some((s) => s.id === saved) ? saved : list[0]?.id ?? null;
  }
  drawChannel();
  if (state.staffMemberId === null) state.staffMemberId = state.info.staff.members[0]?.id ?? null;
  drawSubscriberSwitcher();
  $('staff-select').replaceChildren(
    ...state.info.staff.members.map((m) =>
      el('option', { value: m.id, selected: m.id === state.staffMemberId }, `${m.name}${m.role === 'administrator' ? ' (адміністратор)' : ''}`),
    ),
  );
  drawDemo();
  sms.load(state.info.sms);
}

function wire() {
  keepPinned($('sub-messages'));
  keepPinned($('staff-messages'));
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showPane(tab.dataset.pane));
  $('subscriber-select').addEventListener('change', (e) => switchSubscriber(isViber() ? e.target.value : Number(e.target.value)));
  for (const button of document.querySelectorAll('.channel')) button.addEventListener('click', () => chooseChannel(button.dataset.channel));
  sms.wire();
  $('staff-select').addEventListener('change', (e) => {
    state.staffMemberId = Number(e.target.value);
    drawStaff();
  });
  $('add-subscriber').addEventListener('click', () => {
    $('new-subscriber').hidden = false;
    $('new-first-name').focus();
  });
  $('cancel-new-subscriber').addEventListener('click', () => ($('new-subscriber').hidden = true));
  $('new-subscriber').addEventListener('submit', (e) => {
    e.preventDefault();
    act(
      (async () => {
        const created = isViber()
          ? await call('POST', '/viber/subscribers', { name: $('new-first-name').value, phone: $('new-phone').value })
          : await call('POST', '/subscribers', {
              firstName: $('new-first-name').value,
              lastName: $('new-last-name').value,
              phone: $('new-phone').value,
            });
        $('new-subscriber').reset();
        $('new-subscriber').hidden = true;
        await loadInfo();
        switchSubscriber(created.id);
        drawSubscriberSwitcher();
        toast(`Додано абонента ${created.name}`);
      })(),
    );
  });

  $('sub-composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('sub-input');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    act(sendSubscriberText(text));
  });
  $('sub-keyboard-toggle').addEventListener('click', () => {
    const keyboard = state.sub.view?.keyboard;
    const shown = !$('sub-keyboard').hidden;
    state.sub.keyboardOpen = !shown;
    if (!shown && keyboard) state.sub.hiddenKeyboard = null;
    if (state.sub.view) drawKeyboard(state.sub.view);
  });
  $('share-phone').addEventListener('click', openPhoneDialog);
  $('phone-cancel').addEventListener('click', closePhoneDialog);
  $('phone-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const phone = $('phone-input').value.trim();
    if (!phone) return;
    closePhoneDialog();
    const keyboard = state.sub.view?.keyboard;
    if (keyboard?.oneTime) state.sub.hiddenKeyboard = keyboard.fromSeq;
    act(
      call('POST', `${chatPath()}/contact`, isViber() ? { phone } : { as: state.subscriberId, phone }).then(async () => {
        const subscriber = currentSubscriber();
        if (subscriber) subscriber.phone = phone;
        await pollSubscriber(true);
      }),
    );
  });

  $('sub-attach').addEventListener('click', (e) => openAttachMenu('subscriber', e.currentTarget));
  $('staff-attach').addEventListener('click', (e) => openAttachMenu('staff', e.currentTarget));
  document.addEventListener('click', (e) => {
    const menu = $('attach-menu');
    if (!menu.hidden && !menu.contains(e.target) && !e.target.closest('#sub-attach, #staff-attach')) menu.hidden = true;
  });
  for (const item of document.querySelectorAll('#attach-menu [data-photo]')) {
    item.addEventListener('click', () => {
      $('attach-menu').hidden = true;
      if (item.dataset.photo === 'sample') act(sendPhoto(state.attachTarget, samplePhoto()));
      else $('photo-file').click();
    });
  }
  $('photo-file').addEventListener('change', (e) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) act(readFile(file).then((dataUrl) => sendPhoto(state.attachTarget, dataUrl)));
  });

  $('staff-composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('staff-input');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const place = staffPlace();
    clearStaffReply();
    act(call('POST', `/chats/${state.info.staff.chatId}/text`, { as: state.staffMemberId, text, ...place }).then(() => pollStaff(true)));
  });
  $('staff-replying-cancel').addEventListener('click', clearStaffReply);
}

async function loop(poll) {
  for (;;) {
    await poll().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function start() {
  try {
    await loadInfo();
  } catch (error) {
    toast(`Не вдалося з’єднатися із сервером: ${error.message}`, true);
    setTimeout(start, 2000);
    return;
  }
  switchSubscriber(state.subscriberId);
  void loop(() => pollSubscriber());
  void loop(() => pollStaff());
  void loop(() => (state.smsOpen ? sms.poll() : Promise.resolve()));
}

wire();
start();
