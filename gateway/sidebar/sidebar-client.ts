/**
 * The sidebar page's own script (inline, under the response's CSP nonce).
 * It runs in WeCom's web view after Tencent's JS-SDK (jweixin + jwxwork):
 *
 *  1. asks the gateway to sign this page's URL (location.href without `#`),
 *  2. wx.config with the corp ticket's signature, then on wx.ready
 *     wx.agentConfig with the app ticket's signature (jsApiList: sendChatMessage),
 *  3. enables the send buttons; a tap sends the approved item into the
 *     current chat with wx.invoke('sendChatMessage', payload) — an image item
 *     first gets a media_id from the gateway (which uploads it to WeCom).
 *
 * The payloads are rendered by the server from approved items only; the
 * script adds nothing to them but an image's media_id. Plain ES5 and
 * promises: WeCom's web views on older phones run it as is.
 */
export const SIDEBAR_CLIENT_SCRIPT = `(function () {
  'use strict';
  var root = document.getElementById('cgw-sidebar');
  var statusEl = document.getElementById('cgw-status');
  if (!root || !statusEl) return;
  var text = JSON.parse(root.getAttribute('data-text'));
  var ready = false;
  function show(key, tone) {
    statusEl.textContent = text[key];
    statusEl.setAttribute('data-state', key);
    statusEl.className = 'status' + (tone ? ' ' + tone : '');
  }
  function sdk() { return window.wx || window.jWeixin; }
  function buttons(enabled) {
    var list = root.querySelectorAll('button[data-item]');
    for (var i = 0; i < list.length; i++) list[i].disabled = !enabled;
  }
  function fetchJson(url, method) {
    return fetch(url, { method: method || 'GET', credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    });
  }
  function configure() {
    var wx = sdk();
    if (!wx || typeof wx.config !== 'function') { show('notInWecom', 'bad'); return; }
    var url = location.href.split('#')[0];
    fetchJson(root.getAttribute('data-config') + '?url=' + encodeURIComponent(url)).then(function (c) {
      wx.error(function () { show('configFailed', 'bad'); });
      wx.ready(function () {
        wx.agentConfig({
          corpid: c.corpId, agentid: c.agentId, timestamp: c.agentConfig.timestamp, nonceStr: c.agentConfig.nonceStr, signature: c.agentConfig.signature,
          jsApiList: ['sendChatMessage'],
          success: function () { ready = true; buttons(true); show('ready', 'ok'); },
          fail: function () { show('configFailed', 'bad'); }
        });
      });
      wx.config({ beta: true, debug: false, appId: c.corpId, timestamp: c.config.timestamp, nonceStr: c.config.nonceStr, signature: c.config.signature, jsApiList: ['sendChatMessage'] });
    }).catch(function () { show('configFailed', 'bad'); });
  }
  function send(button) {
    var payload = JSON.parse(button.getAttribute('data-payload'));
    var media = button.getAttribute('data-media');
    buttons(false);
    show('sending');
    var prepared = media ? fetchJson(media, 'POST').then(function (m) { payload.image = { mediaid: m.mediaId }; return payload; }) : Promise.resolve(payload);
    prepared.then(function (p) {
      sdk().invoke('sendChatMessage', p, function (res) {
        buttons(true);
        var outcome = (res && res.err_msg) || '';
        if (outcome === 'sendChatMessage:ok') show('sent', 'ok');
        else if (/cancel/.test(outcome)) show('cancelled');
        else show('failed', 'bad');
      });
    }).catch(function () { buttons(true); show('failed', 'bad'); });
  }
  root.addEventListener('click', function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest('button[data-item]') : null;
    if (button && ready && !button.disabled) send(button);
  });
  configure();
})();`;
