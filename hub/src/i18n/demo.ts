// The words of `thanthien demo`.
export const vi = {
  'demo.board': 'Bảng theo dõi quầy (mở trên TV cùng mạng): {urls}',
  'demo.boardLocalOnly':
    'TT_HOST={host}: chỉ máy này mở được bảng; đặt TT_HOST=0.0.0.0 để TV trong mạng mở được.',
  'demo.login': 'Đăng nhập bảng: {name} / {password} (vai trò lãnh đạo, chỉ hiện một lần)',
  'demo.loginKept':
    'Đăng nhập bảng bằng tài khoản {name} đã tạo ở lần chạy thử trước. Quên mật khẩu: TT_DATA_DIR={dir} npm run thanthien -- user passwd {name}',
  'demo.playing':
    'Chạy thử: phát lại một ngày làm việc, nhanh gấp {speed} lần, theo đồng hồ riêng của bản chạy thử (bây giờ là {now}). Đêm, cuối tuần và ngày lễ được bỏ qua; dữ liệu chạy thử mang giờ của đồng hồ này.',
  'demo.scene':
    'Cán bộ đến quầy, nghỉ trưa, thỉnh thoảng vắng mặt; người dân bấm nút đánh giá trong giờ làm việc, đôi khi không hài lòng (có cảnh báo).',
  'demo.day': 'Ngày làm việc {day}, giờ làm việc {hours}.',
  'demo.radio':
    'Phát thanh: {programs} chương trình đã duyệt phát tới loa mô phỏng ở {zones} thôn (bản tin sáng 07:20, thông báo, lịch cắt điện ưu tiên 11:00); xem /api/v1/calendar và /api/v1/play-log.',
  'demo.radioFailed': 'Phát thanh chưa chạy được: {reason}',
  'demo.progress':
    '{time}: {staffed}/{desks} quầy có người; hôm nay {rated} lượt đánh giá được tính ({unsatisfied} không hài lòng), {flagged} lượt bị gắn cờ.',
  'demo.weekday.mon': 'Thứ Hai',
  'demo.weekday.tue': 'Thứ Ba',
  'demo.weekday.wed': 'Thứ Tư',
  'demo.weekday.thu': 'Thứ Năm',
  'demo.weekday.fri': 'Thứ Sáu',
  'demo.weekday.sat': 'Thứ Bảy',
  'demo.weekday.sun': 'Chủ Nhật',
} as const;

export const en = {
  'demo.board': 'Desk board (open it on a TV on the same network): {urls}',
  'demo.boardLocalOnly':
    'TT_HOST={host}: only this machine can open the board; set TT_HOST=0.0.0.0 for a TV on the network.',
  'demo.login': 'Board login: {name} / {password} (leader role, shown once)',
  'demo.loginKept':
    'Log in to the board as {name}, created by an earlier demo run. Lost the password? TT_DATA_DIR={dir} npm run thanthien -- user passwd {name}',
  'demo.playing':
    "Demo: playing an office day {speed}× faster on its own clock (now {now}). Nights, weekends and holidays are skipped; the demo's data carries this clock's time.",
  'demo.scene':
    'Officials arrive, break for lunch and step away now and then; citizens rate in office hours, now and then unsatisfied (an alert).',
  'demo.day': 'Office day {day}, office hours {hours}.',
  'demo.radio':
    'Radio: {programs} approved programs air on the simulated speakers of {zones} villages (morning bulletin 07:20, notices, a priority power-cut notice 11:00); see /api/v1/calendar and /api/v1/play-log.',
  'demo.radioFailed': 'The radio could not start: {reason}',
  'demo.progress':
    '{time}: {staffed}/{desks} desks staffed; today {rated} ratings counted ({unsatisfied} unsatisfied), {flagged} flagged.',
  'demo.weekday.mon': 'Monday',
  'demo.weekday.tue': 'Tuesday',
  'demo.weekday.wed': 'Wednesday',
  'demo.weekday.thu': 'Thursday',
  'demo.weekday.fri': 'Friday',
  'demo.weekday.sat': 'Saturday',
  'demo.weekday.sun': 'Sunday',
} as const satisfies Record<keyof typeof vi, string>;
