// iamlocal web console: plain browser JavaScript, no build step. Everything shown comes from the
// admin endpoints; the only credential the page ever handles is the one typed into the login form,
// used to SigV4-sign a single login request with WebCrypto and then forgotten.
'use strict';
(() => {
  const state = { csrf: null, rows: [], selected: null, source: null, principals: null };
  const $ = (sel) => document.querySelector(sel);

  /** Builds an element; strings become text nodes (never HTML). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  // ------------------------------------------------------------------ SigV4 with WebCrypto
  const enc = new TextEncoder();
  const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const sha256 = async (text) => hex(await crypto.subtle.digest('SHA-256', enc.encode(text)));
  async function hmac(key, text) {
    const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return crypto.subtle.sign('HMAC', k, enc.encode(text));
  }
  async function signedHeaders(method, path, body, creds) {
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const region = 'us-east-1';
    const service = 'iamlocal';
    const payloadHash = await sha256(body);
    const headers = { host: location.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    const names = Object.keys(headers).sort();
    const canonical = [method, path, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), payloadHash].join('\n');
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n');
    let key = await hmac('AWS4' + creds.secretAccessKey, day);
    key = await hmac(key, region);
    key = await hmac(key, service);
    key = await hmac(key, 'aws4_request');
    const signature = hex(await hmac(key, toSign));
    return {
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
      authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    };
  }

  // ------------------------------------------------------------------ API (cookie session)
  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-iamlocal-csrf'] = state.csrf || '';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((json.error && json.error.message) || `HTTP ${res.status}`);
    return json;
  }

  async function login(ev) {
    ev.preventDefault();
    const form = ev.target;
    const creds = { accessKeyId: form.accessKeyId.value.trim(), secretAccessKey: form.secretAccessKey.value };
    $('#login-error').textContent = '';
    try {
      const path = '/_iamlocal/console/session';
      const body = '';
      const res = await fetch(path, { method: 'POST', headers: await signedHeaders('POST', path, body, creds), body, credentials: 'same-origin' });
      const json = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error((json.error && json.error.message) || `HTTP ${res.status}`);
      form.secretAccessKey.value = '';
      started(json);
    } catch (e) {
      $('#login-error').textContent = `Sign-in failed: ${e.message}`;
    }
  }

  function started(session) {
    state.csrf = session.csrf;
    $('#login').hidden = true;
    $('#tabs').hidden = false;
    $('#logout').hidden = false;
    $('#who').textContent = `account ${session.accountId} · mode ${session.enforce}`;
    show('decisions');
    follow();
  }

  async function logout() {
    try {
      await api('DELETE', '/_iamlocal/console/session');
    } catch {}
    location.reload();
  }

  // ------------------------------------------------------------------ tabs
  function show(tab) {
    for (const s of document.querySelectorAll('section.tab')) s.hidden = s.id !== tab;
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === tab);
    if (tab === 'principals' || tab === 'simulator') loadPrincipals();
  }

  // ------------------------------------------------------------------ decisions (live)
  function who(p) {
    return p.arn || (p.provider ? `${p.type} (${p.provider})` : p.type);
  }
  function filters() {
    const f = $('#filters');
    return { principal: f.principal.value.trim(), action: f.action.value.trim(), decision: f.decision.value, text: f.text.value.trim().toLowerCase() };
  }
  function glob(pattern, value) {
    if (!pattern) return true;
    if (!value) return false;
    const p = pattern.toLowerCase();
    const v = value.toLowerCase();
    return p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v.includes(p);
  }
  function visible(r, f) {
    if (f.principal && !glob(f.principal, r.principal.arn) && !glob(f.principal, r.principal.roleArn)) return false;
    if (f.action && !glob(f.action, r.action)) return false;
    if (f.decision === 'denied' && r.outcome === 'allowed') return false;
    if (f.decision && f.decision !== 'denied' && r.outcome !== f.decision) return false;
    if (f.text && !(`${r.reason} ${r.resource}`.toLowerCase().includes(f.text))) return false;
    return true;
  }
  function rowOf(r) {
    const tr = h('tr', { 'data-seq': r.seq, class: state.selected === r.seq ? 'selected' : '', onclick: () => select(r.seq) },
      h('td', { class: 'mono' }, r.time.slice(11, 23)),
      h('td', {}, h('span', { class: `badge ${r.outcome}` }, r.outcome), r.simulated ? h('span', { class: 'badge sim' }, 'sim') : null),
      h('td', { class: 'mono' }, who(r.principal)),
      h('td', { class: 'mono' }, r.action),
      h('td', { class: 'mono' }, r.resource),
      h('td', { class: 'reason' }, r.reason));
    return tr;
  }
  function render() {
    const f = filters();
    const body = $('#decision-table tbody');
    body.replaceChildren(...state.rows.filter((r) => visible(r, f)).slice(-500).reverse().map(rowOf));
  }
  function follow() {
    if (state.source) state.source.close();
    const es = new EventSource('/_iamlocal/decisions/stream?after=0');
    state.source = es;
    es.addEventListener('ready', () => {
      $('#live').textContent = 'live';
      $('#live').classList.add('on');
    });
    es.addEventListener('decision', (ev) => {
      const r = JSON.parse(ev.data);
      state.rows.push(r);
      if (state.rows.length > 2000) state.rows.splice(0, state.rows.length - 2000);
      const f = filters();
      if (visible(r, f)) $('#decision-table tbody').prepend(rowOf(r));
    });
    es.onerror = () => {
      $('#live').textContent = 'reconnecting…';
      $('#live').classList.remove('on');
    };
  }

  /** Policy text with ranges marked: [{start:{line,column}, end:{line,column}, cls, key?}]. */
  function markedPolicy(text, ranges) {
    const offsets = [];
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
    const off = (p) => (lineStarts[p.line - 1] ?? text.length) + p.column - 1;
    for (const r of ranges) {
      if (!r.start || !r.end) continue;
      const a = off(r.start);
      const b = off(r.end) + 1;
      if (b > a) offsets.push({ a, b, cls: r.cls, key: r.key });
    }
    offsets.sort((x, y) => x.a - y.a);
    const pre = h('pre', { class: 'policy' });
    let at = 0;
    for (const o of offsets) {
      if (o.a < at) continue;
      pre.append(text.slice(at, o.a));
      const mark = h('mark', { class: o.cls });
      const inner = text.slice(o.a, o.b);
      const k = o.key ? inner.indexOf(`"${o.key}"`) : -1;
      if (k >= 0) mark.append(inner.slice(0, k), h('mark', { class: 'key' }, `"${o.key}"`), inner.slice(k + o.key.length + 2));
      else mark.append(inner);
      pre.append(mark);
      at = o.b;
    }
    pre.append(text.slice(at));
    return pre;
  }
  const show1 = (v) => (v === null || v === undefined ? '(missing)' : Array.isArray(v) ? `[${v.join(', ')}]` : v);
  const policyName = (x) => `${x.policyName && x.policyName !== x.policyId ? `${x.policyName} — ` : ''}${x.policyId}`;

  async function select(seq) {
    state.selected = seq;
    for (const tr of document.querySelectorAll('#decision-table tbody tr')) tr.classList.toggle('selected', Number(tr.dataset.seq) === seq);
    const d = await api('GET', `/_iamlocal/decisions/${seq}`);
    const panel = $('#detail');
    panel.hidden = false;
    const conds = d.failedConditions.map((c) =>
      h('div', { class: 'cond' },
        h('div', {}, h('b', {}, `${c.operator} `), h('span', { class: 'mono' }, c.key)),
        h('div', {}, 'wanted ', h('span', { class: 'wanted mono' }, show1(c.wanted))),
        h('div', {}, 'seen ', h('span', { class: 'seen mono' }, show1(c.seen))),
        h('div', { class: 'policy-head' }, `${c.policyType} ${policyName(c)} · statement ${c.index}${c.sid ? ` "${c.sid}"` : ''}`)));
    // Compact documents come pretty-printed (p.display) with statement spans of their own.
    const span = (p, x) => {
      if (!p.display) return { start: x.start, end: x.end };
      const s = p.display.statements.find((st) => st.index === x.index);
      return s ? { start: s.start, end: s.end } : {};
    };
    const ranges = (p) => [
      ...d.statements.filter((s) => s.policyId === p.id && s.policyType === p.type).map((s) => ({ ...span(p, s), cls: s.effect === 'Deny' ? 'deny' : 'deciding' })),
      ...d.failedConditions.filter((c) => c.policyId === p.id && c.policyType === p.type).map((c) => ({ ...span(p, c), cls: 'failed', key: c.key })),
    ];
    const relevant = (p) => ranges(p).length > 0 || (d.decidingPolicy && d.decidingPolicy.id === p.id);
    const policies = d.policies.map((p) =>
      h('details', { open: relevant(p) ? true : null },
        h('summary', { class: 'policy-head' }, h('span', { class: `outcome-${p.outcome}` }, `[${p.outcome}] `), `${p.type} · ${p.name && p.name !== p.id ? `${p.name} — ` : ''}${p.id}`),
        markedPolicy(p.display ? p.display.text : p.text || '', ranges(p))));
    panel.replaceChildren(...[
      h('h3', {}, h('span', { class: `badge ${d.outcome}` }, d.outcome), ' ', d.action),
      h('div', { class: 'reason-line' }, d.reason),
      h('h4', {}, 'Request'),
      h('div', { class: 'mono' }, `principal: ${who(d.principal)} (${d.principal.type}, via ${d.principal.source})`),
      d.principal.roleArn ? h('div', { class: 'mono' }, `role: ${d.principal.roleArn}`) : null,
      h('div', { class: 'mono' }, `resource: ${d.resource}`),
      h('div', { class: 'mono' }, `request id: ${d.requestId} · ${d.time}`),
      d.decidedBy ? h('div', {}, `decided by: ${d.decidedBy}${d.decidingPolicy ? ` — ${d.decidingPolicy.name && d.decidingPolicy.name !== d.decidingPolicy.id ? `${d.decidingPolicy.name} (${d.decidingPolicy.id})` : d.decidingPolicy.id}` : ''}`) : null,
      conds.length ? h('h4', {}, 'Failed conditions') : null,
      conds,
      d.missingContextKeys.length ? h('div', {}, `missing context keys: ${d.missingContextKeys.join(', ')}`) : null,
      h('h4', {}, 'Policies consulted'),
      policies,
      d.notes.length ? h('h4', {}, 'Notes') : null,
      d.notes.map((n) => h('div', { class: 'mono' }, n))].flat().filter(Boolean));
  }

  // ------------------------------------------------------------------ principals & policies
  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  function policyBlock(title, p) {
    return h('details', {}, h('summary', {}, `${title}: ${p.name}`), h('pre', { class: 'policy' }, pretty(p.document)));
  }
  async function loadPrincipals() {
    if (state.principals) return;
    const data = await api('GET', '/_iamlocal/console/api/principals');
    state.principals = data;
    const arns = [];
    const body = [];
    for (const a of data.accounts) {
      const sec = h('div', { class: 'acct card' }, h('h3', {}, `Account ${a.id}${a.alias ? ` (${a.alias})` : ''}`));
      sec.append(h('h4', {}, `Roles (${a.roles.length})`));
      for (const r of a.roles) {
        arns.push(r.arn);
        sec.append(h('details', { class: 'entity' }, h('summary', { class: 'mono' }, r.arn),
          h('div', { class: 'entity' }, policyBlock('Trust policy', { name: 'trust policy', document: r.trustPolicy }),
            r.boundary ? policyBlock('Permissions boundary', r.boundary) : null,
            r.policies.map((p) => policyBlock('Policy', p)))));
      }
      sec.append(h('h4', {}, `Users (${a.users.length})`));
      for (const u of a.users) {
        arns.push(u.arn);
        sec.append(h('details', { class: 'entity' }, h('summary', { class: 'mono' }, u.arn),
          h('div', { class: 'entity' }, u.groups.length ? h('div', {}, `groups: ${u.groups.join(', ')}`) : null,
            u.boundary ? policyBlock('Permissions boundary', u.boundary) : null,
            u.policies.map((p) => policyBlock('Policy', p)))));
      }
      sec.append(h('h4', {}, `Groups (${a.groups.length})`));
      for (const g of a.groups) {
        arns.push(g.arn);
        sec.append(h('details', { class: 'entity' }, h('summary', { class: 'mono' }, g.arn), h('div', { class: 'entity' }, g.policies.map((p) => policyBlock('Policy', p)))));
      }
      sec.append(h('h4', {}, `OIDC providers (${a.oidcProviders.length})`));
      for (const o of a.oidcProviders) sec.append(h('div', { class: 'entity mono' }, `${o.arn} · audiences ${o.clientIds.join(', ')}`));
      body.push(sec);
    }
    const clusters = h('div', { class: 'acct card' }, h('h3', {}, `Mock EKS clusters (${data.clusters.length})`),
      data.clusters.map((c) => h('div', { class: 'entity mono' }, `${c.name} (${c.accountId}, ${c.region}) · ${c.issuer}`)));
    body.push(clusters);
    const unit = (u) => h('details', { class: 'entity', open: true },
      h('summary', {}, `${u.kind === 'root' ? 'Root' : 'OU'} ${u.name} (${u.id})`),
      u.scps.map((p) => policyBlock('SCP', p)),
      u.rcps.map((p) => policyBlock('RCP', p)),
      u.accounts.map((a) => h('div', { class: 'entity' }, h('div', { class: 'mono' }, `account ${a.id}`), a.scps.map((p) => policyBlock('SCP', p)))),
      u.children.map(unit));
    for (const o of data.organizations) body.push(h('div', { class: 'acct card' }, h('h3', {}, `Organization ${o.id} (management ${o.managementAccountId})`), unit(o.root)));
    $('#principals-body').replaceChildren(...body);
    $('#principal-arns').replaceChildren(...arns.map((a) => h('option', { value: a })));
  }

  // ------------------------------------------------------------------ simulator
  async function simulate(ev) {
    ev.preventDefault();
    const f = ev.target;
    $('#sim-error').textContent = '';
    const lines = (v) => v.split('\n').map((s) => s.trim()).filter(Boolean);
    const context = lines(f.context.value).map((l) => {
      const m = /^([^=\s]+)\s*=\s*(.*?)(?:\s+\[?(string|stringList|numeric|numericList|boolean|booleanList|ip|ipList|binary|binaryList|date|dateList)\]?)?$/.exec(l);
      if (!m) throw new Error(`context line not understood: ${l}`);
      return { key: m[1], values: m[2].split(',').map((s) => s.trim()), type: m[3] || (m[2].includes(',') ? 'stringList' : 'string') };
    });
    try {
      const res = await api('POST', '/_iamlocal/console/api/simulate', { principal: f.principal.value.trim(), actions: lines(f.actions.value), resources: lines(f.resources.value), context });
      const table = h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'action'), h('th', {}, 'resource'), h('th', {}, 'decision'), h('th', {}, 'reason'))),
        h('tbody', {}, res.decisions.map((d) => h('tr', { onclick: () => { show('decisions'); select(d.seq); } },
          h('td', { class: 'mono' }, d.action), h('td', { class: 'mono' }, d.resource),
          h('td', {}, h('span', { class: `badge ${d.outcome}` }, d.decision)), h('td', { class: 'reason' }, d.reason)))));
      $('#sim-results').replaceChildren(table);
    } catch (e) {
      $('#sim-error').textContent = e.message;
    }
  }

  // ------------------------------------------------------------------ start
  document.addEventListener('DOMContentLoaded', async () => {
    $('#login-form').addEventListener('submit', login);
    $('#logout').addEventListener('click', logout);
    $('#sim-form').addEventListener('submit', (ev) => simulate(ev).catch((e) => ($('#sim-error').textContent = e.message)));
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.tab));
    for (const el of document.querySelectorAll('#filters input, #filters select')) el.addEventListener('input', render);
    $('#filters').addEventListener('submit', (e) => e.preventDefault());
    try {
      const res = await fetch('/_iamlocal/console/session', { credentials: 'same-origin' });
      if (res.ok) started(await res.json());
    } catch {}
  });
})();
