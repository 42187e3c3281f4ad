/* What a second-generation ID card reader types (a "keyboard wedge": the card's fields sent
 * as keystrokes into the focused field), read back into the card's fields.
 *
 * Understood (docs/field-speed.md): the card's fields — name, sex, ethnicity, birth date,
 * address, number, in the reader's order, any trailing fields (issuing authority, validity)
 * ignored — separated by Tab, Enter (CR, LF), "|", "｜", ",", "，", ";" or "；". Each field is
 * recognised by what it holds, not its place: the number is the field that is a valid
 * 18-character citizen ID number (check digit verified by `valid`), the name the first other
 * field, sex 男/女, birth 19800501 / 1980-05-01 / 1980年5月1日, the address the longest field
 * naming a place (省市县区镇乡村路街号…), the ethnicity a short Chinese word (汉, 回族).
 *   FangkongIdCard.parse("赵敏\t女\t汉\t19750203\t湖北省武汉市…\t420106197502034125", valid)
 *     → {name, sex, ethnicity, birthDate, address, number} or null (no valid number in it)
 *   FangkongIdCard.isBurst(text): does the text hold more than one field?
 */
(function (global) {
  "use strict";
  var SEPARATORS = /[\t\r\n|｜,，;；]+/;
  var NUMBER = /^\d{17}[\dX]$/;
  var PLACE = /[省市县区旗镇乡村路街巷号楼室组屯]/;

  function clean(s) { return String(s || "").normalize("NFKC").replace(/\s+/g, " ").trim(); }
  function number(s) { return clean(s).replace(/\s/g, "").toUpperCase(); }

  function isBurst(text) { return SEPARATORS.test(String(text || "").replace(/^[\t\r\n]+|[\t\r\n]+$/g, "")); }

  function birth(s) {
    var m = /^(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?$/.exec(s);
    if (!m || (s.length === 8 && !/^\d{8}$/.test(s))) return "";
    return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
  }

  function parse(text, valid) {
    valid = valid || function (n) { return NUMBER.test(n); };
    var parts = String(text || "").split(SEPARATORS).map(clean).filter(Boolean);
    var at = -1;
    for (var i = 0; i < parts.length; i++) {
      if (NUMBER.test(number(parts[i])) && valid(number(parts[i]))) { at = i; break; }
    }
    if (at < 0) return null;
    var card = { number: number(parts[at]), name: "", sex: "", ethnicity: "", birthDate: "", address: "" };
    parts.forEach(function (p, k) {
      if (k === at) return;
      if (!card.sex && (p === "男" || p === "女")) { card.sex = p; return; }
      if (!card.birthDate && birth(p)) { card.birthDate = birth(p); return; }
      if (PLACE.test(p) && p.length >= 6) {
        if (p.length > card.address.length) card.address = p;
        return;
      }
      if (!card.name && /^[\u3400-\u9fff·•A-Za-z ]{1,30}$/.test(p) && k < at) { card.name = p; return; }
      if (!card.ethnicity && /^[\u3400-\u9fff]{1,6}$/.test(p)) card.ethnicity = p;
    });
    return card;
  }

  global.FangkongIdCard = { parse: parse, isBurst: isBurst, separators: SEPARATORS };
})(window);
