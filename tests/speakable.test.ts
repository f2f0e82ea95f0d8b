import { describe, expect, it } from 'vitest';
import { numberInWords, speakable } from '../hub/src/broadcasts/speakable.ts';

// What the speech engine is given: every rule of the normaliser on its own, then real bulletins.

describe('numbers in words', () => {
  it.each([
    [0, 'không'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [15, 'mười lăm'],
    [20, 'hai mươi'],
    [21, 'hai mươi mốt'],
    [24, 'hai mươi bốn'],
    [25, 'hai mươi lăm'],
    [100, 'một trăm'],
    [105, 'một trăm linh năm'],
    [110, 'một trăm mười'],
    [115, 'một trăm mười lăm'],
    [1_000, 'một nghìn'],
    [1_005, 'một nghìn không trăm linh năm'],
    [1_010, 'một nghìn không trăm mười'],
    [2_026, 'hai nghìn không trăm hai mươi sáu'],
    [15_300, 'mười lăm nghìn ba trăm'],
    [1_500_000, 'một triệu năm trăm nghìn'],
    [2_000_000_000, 'hai tỷ'],
    [1_000_000_005, 'một tỷ không trăm linh năm'],
    [1_200_000_000_000, 'một nghìn hai trăm tỷ'],
  ])('%i → %s', (n, words) => expect(numberInWords(n)).toBe(words));
});

describe('speakable', () => {
  it('writes out administrative abbreviations, whole words only', () => {
    expect(speakable('UBND xã và HĐND, MTTQ; TTHC')).toBe(
      'Ủy ban nhân dân xã và Hội đồng nhân dân, Mặt trận Tổ quốc; thủ tục hành chính',
    );
    expect(speakable('mã UBNDX1')).toBe('mã UBNDX một');
  });

  it('reads dates dd/mm/yyyy with "mồng" for the first ten days, and dd/mm', () => {
    expect(speakable('ngày 02/09/2026')).toBe(
      'ngày mồng hai tháng chín năm hai nghìn không trăm hai mươi sáu',
    );
    expect(speakable('ngày 15/4/2027')).toBe('ngày mười lăm tháng tư năm hai nghìn không trăm hai mươi bảy');
    expect(speakable('từ 20/11 đến 10/12')).toBe('từ hai mươi tháng mười một đến mồng mười tháng mười hai');
  });

  it('reads times 7h, 7h30, 07:30 and 7 giờ 30', () => {
    expect(speakable('lúc 7h')).toBe('lúc bảy giờ');
    expect(speakable('lúc 7h30')).toBe('lúc bảy giờ ba mươi phút');
    expect(speakable('lúc 14:05')).toBe('lúc mười bốn giờ năm phút');
    expect(speakable('lúc 7 giờ 30 phút')).toBe('lúc bảy giờ ba mươi phút');
    expect(speakable('lúc 08:00')).toBe('lúc tám giờ');
    // Not a time or a date: read as numbers.
    expect(speakable('tỷ lệ 1:75')).toBe('tỷ lệ một:bảy mươi lăm');
    expect(speakable('số 25/13')).toBe('số hai mươi lăm/mười ba');
  });

  it('reads phone numbers digit by digit in groups', () => {
    expect(speakable('gọi 0912 345 678')).toBe('gọi không chín một hai, ba bốn năm, sáu bảy tám');
    expect(speakable('gọi 0912.345.678')).toBe('gọi không chín một hai, ba bốn năm, sáu bảy tám');
    expect(speakable('gọi +84912345678')).toBe('gọi không chín một hai, ba bốn năm, sáu bảy tám');
    // A landline of 11 digits, read 3-4-4.
    expect(speakable('gọi 024 3825 3536')).toBe('gọi không hai bốn, ba tám hai năm, ba năm ba sáu');
  });

  it('reads amounts with thousands dots, decimals with a comma, percentages and codes', () => {
    expect(speakable('mức 1.500.000 đồng')).toBe('mức một triệu năm trăm nghìn đồng');
    expect(speakable('tăng 2,5%')).toBe('tăng hai phẩy năm phần trăm');
    expect(speakable('3,05 ha')).toBe('ba phẩy không năm ha');
    expect(speakable('1.234,5 tấn')).toBe('một nghìn hai trăm ba mươi bốn phẩy năm tấn');
    expect(speakable('số CCCD 001234567890')).toBe(
      'số căn cước công dân không không một hai ba bốn năm sáu bảy tám chín không',
    );
    expect(speakable('có 21 hộ')).toBe('có hai mươi mốt hộ');
  });

  it('makes a real bulletin speakable', () => {
    expect(
      speakable(
        'UBND xã Tân Lập thông báo: từ 7h30 ngày 02/12/2026, bộ phận một cửa tiếp nhận hồ sơ TTHC về BHYT. Liên hệ 0243 812 345.',
      ),
    ).toBe(
      'Ủy ban nhân dân xã Tân Lập thông báo: từ bảy giờ ba mươi phút ngày mồng hai tháng mười hai năm hai nghìn không trăm hai mươi sáu, bộ phận một cửa tiếp nhận hồ sơ thủ tục hành chính về bảo hiểm y tế. Liên hệ không hai bốn ba, tám một hai, ba bốn năm.',
    );
  });
});
