import type { ProgramInput, Programs } from '../broadcasts/index.ts';

/** The demo's radio staff: an operator writes the programs, a leader approves them. */
const OPERATOR = { name: 'demo-phat-thanh', role: 'operator' };
const APPROVER = { name: 'demo-lanh-dao', role: 'leader' };

/**
 * A commune's week on the radio, as an operator would write it: the morning bulletin in every
 * village, notices in some, a priority notice of a power cut, a repeated health message. Bulletins
 * are Vietnamese text the hub speaks, so the demo needs no recordings.
 */
function weekOfPrograms(zones: readonly string[], firstDay: string): ProgramInput[] {
  const daily = { from: firstDay, recurrence: { kind: 'daily' as const } };
  const some = zones.slice(0, Math.max(1, Math.ceil(zones.length / 2)));
  const text = (words: string) => ({ kind: 'text' as const, text: words });
  return [
    {
      title: 'Bản tin sáng',
      tier: 'normal',
      zones: [...zones],
      content: text(
        'Kính thưa bà con. Đây là bản tin sáng ngày hôm nay của UBND xã. Bộ phận một cửa mở cửa từ 7h30 đến 11h30 và từ 13h30 đến 17h.',
      ),
      schedule: { ...daily, time: '07:20' },
    },
    {
      title: 'Thông báo tiêm chủng',
      tier: 'normal',
      zones: some,
      content: text(
        'Trạm y tế xã thông báo: tiêm chủng mở rộng cho trẻ dưới 5 tuổi vào sáng thứ Bảy tuần này, từ 7h30. Mọi thắc mắc xin gọi 0912 345 678.',
      ),
      schedule: { ...daily, time: '09:30' },
    },
    {
      title: 'Lịch cắt điện',
      tier: 'priority',
      zones: [...zones],
      content: text('Điện lực huyện thông báo: ngày mai cắt điện từ 8h đến 11h để sửa chữa đường dây.'),
      schedule: { ...daily, time: '11:00' },
    },
    {
      title: 'Phòng chống sốt xuất huyết',
      tier: 'normal',
      zones: [...zones],
      content: text(
        'Bà con hãy đậy kín dụng cụ chứa nước, phát quang bụi rậm và ngủ màn để phòng sốt xuất huyết.',
      ),
      schedule: { ...daily, time: '14:00', repeat: { count: 2, gap_min: 60 } },
    },
  ];
}

/**
 * Write and approve the demo's programs once, on a first run: the on-air engine then sends them
 * to the simulated speakers like any approved program. Answers how many programs air.
 */
export async function writeDemoSchedule(
  programs: Programs,
  zones: readonly string[],
  firstDay: string,
): Promise<number> {
  const approved = programs.list().filter((p) => p.state === 'approved').length;
  if (approved > 0 || zones.length === 0) return approved;
  for (const input of weekOfPrograms(zones, firstDay)) {
    const program = await programs.create(input, OPERATOR);
    await programs.submit(program.id, OPERATOR);
    await programs.approve(program.id, APPROVER);
  }
  return programs.list().filter((p) => p.state === 'approved').length;
}
