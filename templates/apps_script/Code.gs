/**
 * 接诉即办 spreadsheet plugin (Google Apps Script, bound to the ledger spreadsheet).
 *
 * - An installable on-edit trigger tells the jiesu service that a 台账 worksheet changed, so the next cycle
 *   runs within seconds instead of at the next poll. (A simple onEdit trigger may not call UrlFetchApp.)
 * - A 接诉即办 menu: 立即校验 (ask for a cycle now) and 打开看板 (open the coordinators' dashboard).
 *
 * Script properties (项目设置 → 脚本属性): JIESU_URL (e.g. https://jiesu.example.gov.cn), JIESU_SECRET (the
 * service's webhook secret, web.webhook_secret_env), optionally JIESU_LEDGER (the township ledger's name in the
 * service's config; default: the service finds the ledger by this spreadsheet's id).
 *
 * Every call is signed: X-Jiesu-Signature = hex HMAC-SHA256(secret, timestamp + "\n" + nonce + "\n" + body),
 * with X-Jiesu-Timestamp (Unix seconds) and X-Jiesu-Nonce (used once). See docs/web.md.
 */

var JIESU_MENU = '接诉即办';
var JIESU_DEBOUNCE_SECONDS = 20;

function onOpen() {
  SpreadsheetApp.getUi().createMenu(JIESU_MENU)
    .addItem('立即校验', 'jiesuValidateNow')
    .addItem('打开看板', 'jiesuOpenDashboard')
    .addSeparator()
    .addItem('安装编辑触发器', 'jiesuInstallTrigger')
    .addToUi();
}

/** Installs the on-edit trigger once (removing an older copy), so edits reach the service. */
function jiesuInstallTrigger() {
  var ss = SpreadsheetApp.getActive();
  ScriptApp.getProjectTriggers().forEach(function (t) {
    if (t.getHandlerFunction() === 'jiesuOnEdit') ScriptApp.deleteTrigger(t);
  });
  ScriptApp.newTrigger('jiesuOnEdit').forSpreadsheet(ss).onEdit().create();
  ss.toast('已安装：编辑台账后将自动通知接诉即办系统', JIESU_MENU);
}

/** The installable trigger: only edits in a 台账 worksheet, and at most one call per debounce window. */
function jiesuOnEdit(e) {
  var sheet = e && e.range ? e.range.getSheet().getName() : '';
  if (sheet.indexOf('台账') !== 0) return;
  var cache = CacheService.getScriptCache();
  if (cache.get('jiesu-pinged')) return;
  cache.put('jiesu-pinged', '1', JIESU_DEBOUNCE_SECONDS);
  jiesuSend_({reason: 'edit', sheet: sheet});
}

/** Menu 立即校验: ask for a cycle now and say whether the service took the request. */
function jiesuValidateNow() {
  var code = jiesuSend_({reason: 'menu'});
  var ok = code === 202;
  SpreadsheetApp.getActive().toast(ok ? '已通知系统校验，结果将在约半分钟内写回“校验结果”列'
                                      : '通知失败（HTTP ' + code + '），请联系管理员', JIESU_MENU);
  return code;
}

/** Menu 打开看板: a small dialog with the dashboard link (Apps Script cannot open a tab by itself). */
function jiesuOpenDashboard() {
  var url = jiesuBaseUrl_() + '/';
  var html = HtmlService.createHtmlOutput('<p><a href="' + url + '" target="_blank">打开接诉即办看板</a></p>')
    .setWidth(300).setHeight(80);
  SpreadsheetApp.getUi().showModelessDialog(html, JIESU_MENU);
  return url;
}

function jiesuBaseUrl_() {
  var url = PropertiesService.getScriptProperties().getProperty('JIESU_URL') || '';
  return url.replace(/\/+$/, '');
}

/** Lowercase hex of the (signed) bytes Utilities returns. */
function jiesuHex_(bytes) {
  return bytes.map(function (b) { return ('0' + (b & 0xff).toString(16)).slice(-2); }).join('');
}

/** The webhook request for `payload`: {url, params} for UrlFetchApp.fetch. `nowMs` and `nonce` are
 *  parameters so the request can be built (and tested) the same way everywhere. */
function jiesuBuildRequest_(payload, nowMs, nonce, spreadsheetId) {
  var props = PropertiesService.getScriptProperties();
  var secret = props.getProperty('JIESU_SECRET');
  if (!secret) throw new Error('请先在脚本属性中设置 JIESU_SECRET');
  var ledger = props.getProperty('JIESU_LEDGER');
  var body = {reason: payload.reason, sheet: payload.sheet || null, spreadsheet_id: spreadsheetId || null};
  if (ledger) body.ledger = ledger;
  var text = JSON.stringify(body);
  var timestamp = String(Math.floor(nowMs / 1000));
  var signature = jiesuHex_(Utilities.computeHmacSha256Signature(
    timestamp + '\n' + nonce + '\n' + text, secret, Utilities.Charset.UTF_8));
  return {
    url: jiesuBaseUrl_() + '/hooks/sheets',
    params: {
      method: 'post',
      contentType: 'application/json; charset=utf-8',
      payload: text,
      headers: {'X-Jiesu-Timestamp': timestamp, 'X-Jiesu-Nonce': nonce, 'X-Jiesu-Signature': signature},
      muteHttpExceptions: true
    }
  };
}

function jiesuSend_(payload) {
  var id = SpreadsheetApp.getActive().getId();
  var req = jiesuBuildRequest_(payload, Date.now(), Utilities.getUuid(), id);
  return UrlFetchApp.fetch(req.url, req.params).getResponseCode();
}
