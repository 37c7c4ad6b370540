// The supervisor page: one EventSource on /events (captions, alerts, figures as JSON), plain DOM, no libraries.
'use strict';

const EMOTIONS = {
  neutral: '#b0bec5', calm: '#81d4fa', happy: '#fff176', surprised: '#ffb74d',
  angry: '#e53935', frustrated: '#f4511e', sad: '#5c6bc0', anxious: '#ab47bc'
};
const PROVENANCE = { EDGE: 'edge', VERIFIED: 'verified', CORRECTED: 'corrected', UNVERIFIED_TIMEOUT: 'timeout' };
const KEEP_PER_CHANNEL = 40;   // captions shown per channel of a call (the timeline keeps them all)
const QUIET_MS = 30000;        // a call without a caption this long is shown as quiet
const GONE_MS = 600000;        // ... and this long, taken off the page (a page left open all day stays small)
const KEEP_CALLS = 100;        // at most this many call cards, the longest quiet ones go first
const KEEP_ALERTS = 200;
const calls = new Map();       // callId -> {el, lanes, columns, endMs, lastAt}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

function clock(ms) {
  const s = Math.floor(ms / 1000);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

function legend() {
  const box = document.getElementById('emotion-legend');
  box.append('emotions: ');
  for (const [name, colour] of Object.entries(EMOTIONS)) {
    const s = el('span', 'swatch', name);
    s.style.background = colour;
    box.append(s);
  }
}

function call(id, language) {
  let c = calls.get(id);
  if (c) return c;
  document.getElementById('no-calls')?.remove();
  const section = el('section', 'call');
  section.id = 'call-' + id;
  section.dataset.call = id;
  const h = el('h3', null, id);
  const meta = el('span', 'meta', language);
  h.append(meta);
  const timeline = el('div', 'timeline');
  const channels = el('div', 'channels');
  c = { el: section, meta, language, lanes: {}, columns: {}, segs: [], endMs: 1, lastAt: Date.now(), drafted: 0, sent: 0, corrected: 0 };
  for (const ch of ['agent', 'customer']) {
    const lane = el('div', 'lane');
    lane.dataset.channel = ch;
    timeline.append(lane);
    c.lanes[ch] = lane;
    const col = el('div', 'column ' + ch);
    col.append(el('h4', null, ch));
    channels.append(col);
    c.columns[ch] = col;
  }
  section.append(h, timeline, channels);
  document.getElementById('calls').prepend(section);
  calls.set(id, c);
  return c;
}

function lane(c, channel) {
  if (!c.lanes[channel]) { // a mono call: one lane, one column
    const l = el('div', 'lane');
    l.dataset.channel = channel;
    c.el.querySelector('.timeline').append(l);
    c.lanes[channel] = l;
    const col = el('div', 'column ' + channel);
    col.append(el('h4', null, channel));
    c.el.querySelector('.channels').append(col);
    c.columns[channel] = col;
  }
  return c.lanes[channel];
}

function caption(e) {
  const c = call(e.callId, e.language);
  c.lastAt = Date.now();
  c.el.classList.remove('quiet');
  c.drafted += e.drafted;
  c.sent += e.sent;
  c.corrected += e.corrected;
  c.meta.textContent = c.language + ' · ρ ' + percent(c.drafted ? c.sent / c.drafted : null) + ' · '
    + c.corrected + ' tokens corrected by the cloud';
  const l = lane(c, e.channel);
  // the emotion timeline: one segment per utterance, in the call's own time
  const seg = el('div', 'seg');
  seg.style.background = EMOTIONS[e.emotion] || '#e0e0e0';
  seg.title = clock(e.startMs) + '–' + clock(e.endMs) + ' ' + (e.emotion || 'no emotion named') + ': ' + e.text;
  seg.dataset.start = e.startMs;
  seg.dataset.end = e.endMs;
  l.append(seg);
  c.segs.push(seg);
  if (e.endMs > c.endMs) c.endMs = e.endMs;
  for (const s of c.segs) {
    s.style.left = (100 * s.dataset.start / c.endMs) + '%';
    s.style.width = (100 * (s.dataset.end - s.dataset.start) / c.endMs) + '%';
  }
  // the caption, token by token, marked by who wrote each
  const row = el('div', 'caption');
  row.dataset.utterance = e.utteranceId;
  row.dataset.start = e.startMs;
  row.append(el('span', 'time', clock(e.startMs)));
  if (e.emotion) {
    const badge = el('span', 'emotion swatch', e.emotion);
    badge.style.background = EMOTIONS[e.emotion] || '#e0e0e0';
    row.append(badge);
  }
  for (const t of e.tokens) {
    if (t.space) row.append(' ');
    row.append(el('span', 'tok ' + (PROVENANCE[t.p] || 'edge'), t.t));
  }
  row.title = e.drafted + ' drafted, ' + e.sent + ' sent, ' + e.accepted + ' accepted, ' + e.corrected
    + ' corrected, ' + e.timeouts + ' unverified; caption ' + e.latencyMs + ' ms after the utterance';
  // utterances finish out of order (a long one after a short one): keep each column in call time
  const col = c.columns[e.channel];
  const later = [...col.querySelectorAll('.caption')].find(r => Number(r.dataset.start) > e.startMs);
  col.insertBefore(row, later || null);
  const rows = col.querySelectorAll('.caption');
  if (rows.length > KEEP_PER_CHANNEL) rows[0].remove();
}

function alert(e) {
  const li = el('li', 'alert');
  li.dataset.call = e.callId;
  li.append(el('div', 'rule', e.rule + ' · ' + e.callId));
  li.append(el('div', 'message', e.message));
  li.append(el('div', 'when', e.channel + ' at ' + clock(e.atMs) + ' of the call'));
  const list = document.getElementById('alerts');
  list.prepend(li);
  while (list.children.length > KEEP_ALERTS) list.lastChild.remove();
}

function percent(x) {
  return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + '%';
}

function stats(e) {
  document.getElementById('active-calls').textContent = e.activeCalls;
  document.getElementById('caption-count').textContent = e.captions;
  document.getElementById('alert-count').textContent = e.alerts;
  document.getElementById('rho').textContent = percent(e.rho);
  document.getElementById('acceptance').textContent = percent(e.acceptance);
}

function connect() {
  const link = document.getElementById('link');
  const source = new EventSource('events');
  source.onopen = () => {
    // a reconnect replays what the server still holds: start from a clean page
    calls.clear();
    document.getElementById('calls').replaceChildren(el('p', 'empty', 'Waiting for the first caption…'));
    document.getElementById('calls').firstChild.id = 'no-calls';
    document.getElementById('alerts').replaceChildren();
    link.textContent = 'live';
    link.className = 'link up';
  };
  source.onerror = () => {
    link.textContent = 'reconnecting';
    link.className = 'link down';
  };
  source.onmessage = (m) => {
    const e = JSON.parse(m.data);
    if (e.type === 'caption') caption(e);
    else if (e.type === 'alert') alert(e);
    else if (e.type === 'stats') stats(e);
  };
}

setInterval(() => {
  const now = Date.now();
  const byQuiet = [...calls.entries()].sort((a, b) => a[1].lastAt - b[1].lastAt);
  byQuiet.forEach(([id, c], i) => {
    if (now - c.lastAt > GONE_MS || byQuiet.length - i > KEEP_CALLS) {
      c.el.remove();
      calls.delete(id);
    } else {
      c.el.classList.toggle('quiet', now - c.lastAt > QUIET_MS);
    }
  });
}, 5000);

legend();
connect();
