/** Vietnamese, the first language of everything users read (DESIGN §6). */
export const vi = {
  'device.added': 'Đã thêm thiết bị {id} ({kind}, {place}).',
  'device.rotated': 'Đã cấp mật khẩu mới cho thiết bị {id}; mật khẩu cũ hết hiệu lực ngay.',
  'device.revoked': 'Đã thu hồi thiết bị {id}; thiết bị bị ngắt kết nối và không thể kết nối lại.',
  'device.secretOnce': 'Mật khẩu thiết bị chỉ hiện MỘT lần. Tệp cấu hình: {file}',
  'device.scanQr': 'Quét mã QR để nạp cấu hình vào thiết bị:',
  'device.none': 'Chưa có thiết bị nào. Thêm bằng: thanthien device add <id> --kind <loại> --desk <quầy>',
  'user.added': 'Đã thêm người dùng {name} với vai trò {role}.',
  'user.passwordOnce': 'Mật khẩu (chỉ hiện một lần): {password}',
  'simulate.progress':
    'Mô phỏng: {online}/{devices} thiết bị trực tuyến, {events} sự kiện đã gửi, {acked} đã xác nhận, còn {left} s',
  'simulate.done': 'Xong: {events} sự kiện, {acked} đã được trạm xác nhận.',
  'hub.started': 'Trạm đã chạy: MQTT cổng {mqtt}, HTTP cổng {http}.',
  'error.prefix': 'Lỗi',
  usage: 'Cách dùng',
} as const;

export type MessageKey = keyof typeof vi;
