// JumpCloud ADI admin portal: small progressive enhancements and live updates over SignalR.
// Every page works without this script; it adds confirmations, copy buttons, relative times, as-you-type domain
// validation, and live agent status / primary / sync outcome updates through the PortalHub.
(() => {
  'use strict';

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  // ---- Navigation on narrow screens ----------------------------------------------------------------------------
  const navToggle = $('.nav-toggle');
  navToggle?.addEventListener('click', () => {
    const open = document.body.classList.toggle('nav-open');
    navToggle.setAttribute('aria-expanded', String(open));
    if (open) $('#sidebar a')?.focus();
  });
  document.addEventListener('keydown', event => {
    if (event.key === 'Escape' && document.body.classList.contains('nav-open')) {
      document.body.classList.remove('nav-open');
      navToggle?.setAttribute('aria-expanded', 'false');
      navToggle?.focus();
    }
  });

  // ---- Confirmations for destructive actions -------------------------------------------------------------------
  document.addEventListener('submit', event => {
    const message = event.target instanceof HTMLFormElement ? event.target.dataset.confirm : undefined;
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);

  // ---- Copy buttons --------------------------------------------------------------------------------------------
  document.addEventListener('click', async event => {
    const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    const source = $(button.dataset.copy);
    if (!source) return;
    const text = 'value' in source ? source.value : source.textContent;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      if (typeof source.select === 'function') {
        source.select();
        copied = document.execCommand('copy');
      }
    }
    const original = button.dataset.label ?? button.textContent;
    button.dataset.label = original;
    button.textContent = copied ? 'Copied' : 'Select and copy';
    button.classList.toggle('copied', copied);
    setTimeout(() => { button.textContent = original; button.classList.remove('copied'); }, 2500);
  });

  // ---- Relative times ------------------------------------------------------------------------------------------
  function ago(iso) {
    const seconds = (Date.now() - Date.parse(iso)) / 1000;
    if (Number.isNaN(seconds)) return '';
    if (seconds < 5) return 'just now';
    if (seconds < 60) return `${Math.floor(seconds)} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 172800) return `${Math.floor(seconds / 3600)} h ago`;
    return null;
  }

  function refreshTimes() {
    for (const time of $$('time[datetime]:not([data-absolute])')) {
      if (!time.title) time.title = time.textContent;
      const text = ago(time.getAttribute('datetime'));
      if (text) time.textContent = text;
    }
  }
  refreshTimes();
  setInterval(refreshTimes, 5000);

  // ---- As-you-type domain validation (the server checks again on submit) --------------------------------------
  const domainForm = $('form[data-validate-domain]');
  if (domainForm) {
    const input = $('#domain-input', domainForm);
    const error = $('#domain-error', domainForm);
    let timer;
    let sequence = 0;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const value = input.value.trim();
        const mine = ++sequence;
        if (!value) {
          error.textContent = '';
          input.setAttribute('aria-invalid', 'false');
          return;
        }
        try {
          const response = await fetch(`${domainForm.dataset.validateDomain}&domain=${encodeURIComponent(value)}`,
            { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
          if (!response.ok || mine !== sequence) return;
          const result = await response.json();
          error.textContent = result.valid ? '' : result.message;
          error.classList.toggle('ok', result.valid);
          if (result.valid) error.textContent = `✓ ${result.dns}`;
          input.setAttribute('aria-invalid', String(!result.valid));
        } catch {
          // Offline: the server validates on submit anyway.
        }
      }, 250);
    });
  }

  // ---- Live updates ---------------------------------------------------------------------------------------------
  const liveStatus = $('#live-status');
  const liveBanner = $('#live-banner');
  if (!liveStatus || !window.signalR) return;

  const domainHeader = $('[data-live-domain]');
  const domainId = domainHeader?.dataset.liveDomain;
  const refreshUrl = domainHeader?.dataset.refreshUrl;
  const watchAll = !!$('[data-live-all]');
  const agentsByDomain = new Map();
  let restoredTimer;

  function setLive(state, text) {
    liveStatus.dataset.state = state;
    $('.live-text', liveStatus).textContent = text;
    if (liveBanner) liveBanner.hidden = state === 'live' || state === 'connecting' || state === 'restored';
  }

  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/portal/hub')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(500 * 2 ** ctx.previousRetryCount, 10000) })
    .configureLogging(signalR.LogLevel.None)
    .build();

  connection.onreconnecting(() => setLive('reconnecting', 'Reconnecting…'));
  connection.onreconnected(async () => {
    await watch();
    setLive('restored', 'Reconnected');
    clearTimeout(restoredTimer);
    restoredTimer = setTimeout(() => { if (liveStatus.dataset.state === 'restored') setLive('live', 'Live'); }, 4000);
  });
  connection.onclose(() => {
    setLive('offline', 'Offline, retrying…');
    setTimeout(() => start(1), 2000);
  });

  async function start(attempt = 0) {
    try {
      await connection.start();
      await watch();
      setLive(attempt === 0 ? 'live' : 'restored', attempt === 0 ? 'Live' : 'Reconnected');
      if (attempt > 0) setTimeout(() => { if (liveStatus.dataset.state === 'restored') setLive('live', 'Live'); }, 4000);
    } catch {
      setLive('offline', 'Offline, retrying…');
      setTimeout(() => start(attempt + 1), Math.min(1000 * 2 ** attempt, 10000));
    }
  }

  async function watch() {
    if (domainId) {
      const snapshot = await connection.invoke('WatchDomain', domainId);
      if (snapshot) {
        for (const agent of snapshot.agents) updateAgent(agent);
        for (const row of $$('#agents-table tbody tr[data-agent-id]')) {
          if (!snapshot.agents.some(a => a.id === row.dataset.agentId)) row.remove();
        }
        updatePrimary({ domainId, primaryAgentId: snapshot.primaryAgentId });
        if (snapshot.progress) updateProgress(snapshot.progress);
      }
    }
    if (watchAll) {
      const agents = await connection.invoke('WatchAllDomains');
      agentsByDomain.clear();
      for (const agent of agents) rememberAgent(agent);
      for (const row of $$('tr[data-domain-id]')) renderDomainSummary(row.dataset.domainId);
    }
  }

  // -- Domain page: the Domain Agents table, settings, primary marker --
  let refreshing = null;
  function refreshRegions(...ids) {
    if (!refreshUrl) return;
    refreshing ??= fetch(refreshUrl, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(response => response.ok ? response.text() : null)
      .then(html => {
        if (!html) return;
        const fresh = new DOMParser().parseFromString(html, 'text/html');
        for (const id of ids) {
          const current = document.getElementById(id);
          const replacement = fresh.getElementById(id);
          if (current && replacement) current.replaceWith(document.importNode(replacement, true));
        }
        refreshTimes();
      })
      .catch(() => { })
      .finally(() => { refreshing = null; });
  }

  function statusChip(agent) {
    return el('span', { className: `status status-${agent.level}`, title: agent.detail },
      el('span', { className: 'status-dot', 'aria-hidden': 'true' }),
      el('span', { className: 'status-label' }, agent.label));
  }

  function settingsDiffer(agent) {
    const card = $(`[data-settings-for="${CSS.escape(agent.id)}"]`);
    const shown = card ? $$('dt', card).map(dt => `${dt.textContent}=${dt.nextElementSibling?.textContent ?? ''}`) : [];
    const reported = Object.keys(agent.settings ?? {}).sort().map(key => `${key}=${agent.settings[key]}`);
    return shown.sort().join('\n') !== reported.join('\n');
  }

  const knownAgents = new Map();
  function updateAgent(agent) {
    if (agent.domainId !== domainId) return;
    knownAgents.set(agent.id, agent);
    markKeyUsed(agent);
    const row = $(`#agents-table tbody tr[data-agent-id="${CSS.escape(agent.id)}"]`);
    if (!row) {
      refreshRegions('agents-region', 'settings-region');
      return;
    }
    row.dataset.level = agent.level;
    const status = $('[data-cell="status"]', row);
    status.replaceChildren(statusChip(agent), el('div', { className: 'status-detail small muted' }, agent.detail));
    $('.hostname', row).textContent = agent.hostname ?? 'Not installed yet';
    $('[data-primary]', row).hidden = !agent.isPrimary;
    $('[data-cell="hostType"]', row).textContent = agent.hostTypeLabel;
    $('[data-cell="version"]', row).textContent = agent.version ?? '—';
    const contact = $('[data-cell="contact"]', row);
    if (agent.contactAt) {
      const time = el('time', { datetime: agent.contactAt });
      time.title = new Date(agent.contactAt).toUTCString();
      time.textContent = ago(agent.contactAt) ?? time.title;
      contact.replaceChildren(time);
    } else {
      contact.replaceChildren(el('span', { className: 'muted' }, 'Never'));
    }
    if (settingsDiffer(agent)) refreshRegions('settings-region');
  }

  // The connect key on screen stops working once its agent enrolls; say so instead of offering to copy it.
  function markKeyUsed(agent) {
    const key = $('#connect-key');
    if (!key || key.dataset.agentId !== agent.id || agent.state === 'unsealed') return;
    const used = $('#key-used');
    if (!used || !used.hidden) return;
    used.textContent = `This key has been used: ${agent.hostname ?? 'the agent'} enrolled with it, so it no longer works.`;
    used.hidden = false;
    $('.copy-field')?.setAttribute('hidden', '');
    $('.install-help')?.setAttribute('hidden', '');
  }

  function updatePrimary(primary) {
    if (domainId && primary.domainId === domainId) {
      for (const row of $$('#agents-table tbody tr[data-agent-id]')) {
        $('[data-primary]', row).hidden = row.dataset.agentId !== primary.primaryAgentId;
      }
      const agent = primary.primaryAgentId ? knownAgents.get(primary.primaryAgentId) : null;
      const target = $('[data-primary-name]');
      if (target) target.textContent = primary.primaryAgentId ? agent?.hostname ?? primary.primaryAgentId : 'None';
    }
    if (watchAll) renderDomainSummary(primary.domainId, primary.primaryAgentId);
  }

  // -- Active Directory list: agent summary and primary per domain --
  function rememberAgent(agent) {
    if (!agentsByDomain.has(agent.domainId)) agentsByDomain.set(agent.domainId, new Map());
    agentsByDomain.get(agent.domainId).set(agent.id, agent);
  }

  const levelOrder = { green: 0, yellow: 1, red: 2 };
  function renderDomainSummary(id, primaryAgentId) {
    const row = $(`tr[data-domain-id="${CSS.escape(id)}"]`);
    if (!row) return;
    const agents = Array.from(agentsByDomain.get(id)?.values() ?? []);
    const groups = new Map();
    for (const agent of agents) {
      const key = `${agent.level}|${agent.label}`;
      groups.set(key, { level: agent.level, label: agent.label, count: (groups.get(key)?.count ?? 0) + 1 });
    }
    const chips = Array.from(groups.values()).sort((a, b) => levelOrder[a.level] - levelOrder[b.level]).map(g =>
      el('span', { className: `status status-${g.level}` }, el('span', { className: 'status-dot', 'aria-hidden': 'true' }), `${g.count} ${g.label.toLowerCase()}`));
    $('.agents-summary', row).replaceChildren(...(chips.length ? chips : [el('span', { className: 'status status-none' },
      el('span', { className: 'status-dot', 'aria-hidden': 'true' }), 'No agents')]));
    const primary = primaryAgentId !== undefined
      ? agents.find(a => a.id === primaryAgentId) ?? (primaryAgentId ? { hostname: primaryAgentId } : null)
      : agents.find(a => a.isPrimary);
    if (primaryAgentId !== undefined || agents.length) $('.primary-agent', row).textContent = primary?.hostname ?? primary?.id ?? 'None';
  }

  // -- Sync outcomes: the activity feed (failures first) and the bound users / groups tables --
  const outcomeLabels = { applied: 'Synced', skipped: 'Skipped', failed: 'Failed' };
  const typeLabels = { user: 'User', user_group: 'User group' };
  function badge(outcome, message) {
    return el('span', { className: `badge badge-${outcome}`, title: message || null, dataset: { syncBadge: '' } }, outcomeLabels[outcome] ?? outcome);
  }

  function applyOutcomes(outcomes) {
    const feed = $('#activity-feed tbody');
    for (const outcome of outcomes) {
      if (outcome.domainId !== domainId) continue;
      for (const row of $$(`#bound-users tr[data-object-id="${CSS.escape(outcome.objectId)}"], #bound-groups tr[data-object-id="${CSS.escape(outcome.objectId)}"]`)) {
        $('[data-cell="sync"]', row).replaceChildren(badge(outcome.outcome, outcome.message));
        const time = el('time', { datetime: outcome.at }, ago(outcome.at) ?? outcome.at);
        $('[data-cell="syncedAt"]', row).replaceChildren(time);
        $('[data-cell="message"]', row).textContent = outcome.message;
      }
      if (!feed) continue;
      $(`tr[data-object-id="${CSS.escape(outcome.objectId)}"]`, feed)?.remove();
      const row = el('tr', { dataset: { objectId: outcome.objectId, outcome: outcome.outcome }, className: 'fresh' },
        el('td', {}, badge(outcome.outcome, outcome.message)),
        el('td', {}, outcome.objectName),
        el('td', {}, typeLabels[outcome.objectType] ?? 'Object'),
        el('td', { className: 'mono' }, outcome.code === 0 ? '' : outcome.code),
        el('td', { className: 'message' }, outcome.message),
        el('td', {}, el('time', { datetime: outcome.at }, ago(outcome.at) ?? outcome.at)));
      const failures = $$('tr[data-outcome="failed"]', feed);
      if (outcome.outcome === 'failed' || failures.length === 0) feed.prepend(row);
      else failures[failures.length - 1].after(row);
      while (feed.rows.length > 100) feed.lastElementChild.remove();
      feed.closest('.table-wrap').hidden = false;
      const empty = $('#feed-empty');
      if (empty) empty.hidden = true;
    }
  }

  connection.on('AgentChanged', agent => {
    if (domainId) updateAgent(agent);
    if (watchAll) {
      rememberAgent(agent);
      renderDomainSummary(agent.domainId);
    }
  });
  connection.on('AgentRemoved', (removedDomainId, agentId) => {
    if (domainId === removedDomainId) {
      $(`#agents-table tbody tr[data-agent-id="${CSS.escape(agentId)}"]`)?.remove();
      $(`[data-settings-for="${CSS.escape(agentId)}"]`)?.remove();
    }
    if (watchAll) {
      agentsByDomain.get(removedDomainId)?.delete(agentId);
      renderDomainSummary(removedDomainId);
    }
  });
  // -- Domain page: the sync run's progress (x of N applied, rate, time left) --
  function updateProgress(progress) {
    if (progress.domainId !== domainId) return;
    const region = $('#sync-progress');
    if (!region) return;
    const bar = $('#progress-bar', region);
    const text = $('#progress-text', region);
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.done;
    text.textContent = progress.text;
    text.dataset.done = String(progress.done);
    text.dataset.total = String(progress.total);
    region.dataset.running = String(progress.running);
    region.hidden = false;
  }

  connection.on('Progress', updateProgress);
  connection.on('PrimaryChanged', updatePrimary);
  connection.on('SyncOutcomes', applyOutcomes);

  start();
})();
