/**
 * Vietnamese text as a speech engine should read it (chuẩn hoá văn bản trước khi đọc): engines
 * read digits, dates, times, phone numbers and administrative abbreviations badly or not at all,
 * so a bulletin is written out in words first. Northern usage: "nghìn", "linh".
 *
 * @example
 * speakable('UBND xã họp lúc 7h30 ngày 02/09/2026');
 * // 'Ủy ban nhân dân xã họp lúc bảy giờ ba mươi phút ngày mồng hai tháng chín năm hai nghìn không trăm hai mươi sáu'
 */
export function speakable(text: string): string {
  return RULES.reduce((result, [pattern, replace]) => result.replace(pattern, replace as never), text)
    .replace(/\s+/g, ' ')
    .trim();
}

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

/** Abbreviations of local government and public services, as they are said. */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  UBND: 'Ủy ban nhân dân',
  HĐND: 'Hội đồng nhân dân',
  MTTQ: 'Mặt trận Tổ quốc',
  TTHC: 'thủ tục hành chính',
  BHYT: 'bảo hiểm y tế',
  BHXH: 'bảo hiểm xã hội',
  CCCD: 'căn cước công dân',
  CMND: 'chứng minh nhân dân',
  CSGT: 'cảnh sát giao thông',
  PCCC: 'phòng cháy chữa cháy',
  THCS: 'trung học cơ sở',
  THPT: 'trung học phổ thông',
  HTX: 'hợp tác xã',
  CAX: 'công an xã',
  'TT-BTTTT': 'Thông tư Bộ Thông tin và Truyền thông',
};

/** Digits one by one, as a phone number is read. */
const digitByDigit = (digits: string) => [...digits].map((d) => DIGITS[Number(d)]).join(' ');

/** A number below 1,000, inside a larger one when `inner` (so 5 reads "không trăm linh năm"). */
function hundreds(n: number, inner: boolean): string {
  const h = Math.floor(n / 100);
  const rest = n % 100;
  const words: string[] = [];
  if (h > 0 || inner) words.push(DIGITS[h]!, 'trăm');
  if (rest === 0) return words.join(' ');
  if (rest < 10) {
    if (words.length > 0) words.push('linh');
    words.push(DIGITS[rest]!);
    return words.join(' ');
  }
  const tens = Math.floor(rest / 10);
  const unit = rest % 10;
  words.push(tens === 1 ? 'mười' : `${DIGITS[tens]} mươi`);
  // After "mươi", 1 is "mốt"; after "mười"/"mươi", 5 is "lăm"; 4 after "mươi" stays "bốn".
  if (unit === 1) words.push(tens === 1 ? 'một' : 'mốt');
  else if (unit === 5) words.push('lăm');
  else if (unit > 0) words.push(DIGITS[unit]!);
  return words.join(' ');
}

const SCALES = ['', 'nghìn', 'triệu'];

/**
 * A whole number in words.
 *
 * @example numberInWords(2026); // 'hai nghìn không trăm hai mươi sáu'
 */
export function numberInWords(n: number): string {
  return n === 0 ? DIGITS[0]! : spoken(n, false);
}

/** `n` > 0 in words; `inner` when it follows a higher part ("một tỷ không trăm linh năm"). */
function spoken(n: number, inner: boolean): string {
  // Above a billion the count of billions is itself a number: 10^12 is "một nghìn tỷ".
  if (n >= 1e9) {
    const low = n % 1e9;
    return [spoken(Math.floor(n / 1e9), inner), 'tỷ', low ? spoken(low, true) : ''].join(' ').trim();
  }
  const groups: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const group = groups[i]!;
    if (group === 0) continue;
    // A group after a higher one reads its hundreds even when 0 ("một nghìn không trăm linh năm").
    const afterHigher = inner || i < groups.length - 1;
    words.push(hundreds(group, afterHigher && group < 100), SCALES[i]!);
  }
  return words.join(' ').trim();
}

/** Days 1–10 of a month are said with "mồng". */
const dayOfMonth = (day: number) => (day <= 10 ? `mồng ${numberInWords(day)}` : numberInWords(day));

const MONTHS = [
  '',
  'một',
  'hai',
  'ba',
  'tư',
  'năm',
  'sáu',
  'bảy',
  'tám',
  'chín',
  'mười',
  'mười một',
  'mười hai',
];

type Rule = [RegExp, string | ((...groups: string[]) => string)];

/** A day and month that can be on a calendar, as written "d/m": "25/13" is not one. */
const isDayMonth = (d: string, m: string) =>
  Number(d) >= 1 && Number(d) <= 31 && Number(m) >= 1 && Number(m) <= 12;
const dayMonth = (d: string, m: string) => `${dayOfMonth(Number(d))} tháng ${MONTHS[Number(m)]}`;

const RULES: Rule[] = [
  // Abbreviations, whole words only.
  [
    new RegExp(`(?<![\\p{L}\\d])(${Object.keys(ABBREVIATIONS).join('|')})(?![\\p{L}\\d])`, 'gu'),
    (abbreviation) => ABBREVIATIONS[abbreviation]!,
  ],
  // Phone numbers from 0 or +84, spaced or dotted in any way: mobiles of 10 digits (read
  // 4-3-3), landlines of 11 from 02 (read 3-4-4).
  [
    /(?<!\d)(?:\+84|0)(?:2(?:[ .]?\d){9}|[1-9](?:[ .]?\d){8})(?!\d)/g,
    (phone) => {
      const digits = phone.replace(/^\+84/, '0').replace(/[ .]/g, '');
      const cuts = digits.length === 11 ? [3, 7] : [4, 7];
      return [digits.slice(0, cuts[0]), digits.slice(cuts[0], cuts[1]), digits.slice(cuts[1])]
        .map(digitByDigit)
        .join(', ');
    },
  ],
  // Dates dd/mm/yyyy (also d/m/yyyy, with - or .), and dd/mm.
  [
    /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)/g,
    (all, d, m, y) => (isDayMonth(d, m) ? `${dayMonth(d, m)} năm ${numberInWords(Number(y))}` : all),
  ],
  [/(?<!\d)(\d{1,2})\/(\d{1,2})(?![\d/])/g, (all, d, m) => (isDayMonth(d, m) ? dayMonth(d, m) : all)],
  // Times: 7h, 7h30, 7 giờ 30, 07:30.
  [
    /(?<!\d)(\d{1,2})(?:h|:| giờ )(\d{2})(?: phút)?(?!\d)/g,
    (all, h, m) =>
      Number(h) > 23 || Number(m) > 59
        ? all
        : Number(m) === 0
          ? `${numberInWords(Number(h))} giờ`
          : `${numberInWords(Number(h))} giờ ${numberInWords(Number(m))} phút`,
  ],
  [/(?<!\d)(\d{1,2})h(?![\p{L}\d])/gu, (_all, h) => `${numberInWords(Number(h))} giờ`],
  // A number written against a word ("X1", "3km") is said apart from it.
  [/(\p{L})(?=\d)/gu, '$1 '],
  [/(\d)(?=\p{L})/gu, '$1 '],
  // Decimals with a comma (Vietnamese), then thousands with dots, then plain numbers. A fraction
  // from 0 is read digit by digit: 3,05 is "ba phẩy không năm".
  [
    /(?<!\d)(\d{1,3}(?:\.\d{3})+|\d+),(\d+)(?!\d)/g,
    (_all, whole, fraction) =>
      `${numberInWords(Number(whole.replace(/\./g, '')))} phẩy ${fraction.startsWith('0') ? digitByDigit(fraction) : numberInWords(Number(fraction))}`,
  ],
  [/(?<!\d)\d{1,3}(?:\.\d{3})+(?!\d)/g, (grouped) => numberInWords(Number(grouped.replace(/\./g, '')))],
  // Codes and identity numbers (a leading 0, or longer than a count can be) digit by digit.
  [/(?<!\d)(?:0\d+|\d{13,})(?!\d)/g, digitByDigit],
  [/(?<!\d)\d{1,12}(?!\d)/g, (digits) => numberInWords(Number(digits))],
  [/%/g, ' phần trăm'],
];
