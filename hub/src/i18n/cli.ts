// The words of the `thanthien` command.
export const vi = {
  'device.added': 'Đã thêm thiết bị {id} ({kind}, {place}).',
  'device.rotated': 'Đã cấp mật khẩu mới cho thiết bị {id}; mật khẩu cũ hết hiệu lực ngay.',
  'device.revoked': 'Đã thu hồi thiết bị {id}; thiết bị bị ngắt kết nối và không thể kết nối lại.',
  'device.secretOnce': 'Mật khẩu thiết bị chỉ hiện MỘT lần. Tệp cấu hình: {file}',
  'device.scanQr': 'Quét mã QR để nạp cấu hình vào thiết bị:',
  'device.none': 'Chưa có thiết bị nào. Thêm bằng: thanthien device add <id> --kind <loại> --desk <quầy>',
  'integration.added':
    'Đã thêm kết nối tích hợp {id}: chỉ đọc sự kiện của trạm trên {topic}#. Mật khẩu chỉ hiện MỘT lần:',
  'integration.revoked': 'Đã thu hồi kết nối tích hợp {id}; nó bị ngắt kết nối và không thể kết nối lại.',
  'integration.none': 'Chưa có kết nối tích hợp nào. Thêm bằng: thanthien integration add <id>',
  'flows.allowed':
    'Luồng {flow}: phát thông báo không cần duyệt: {skip}; phát khẩn cấp: {emergency}. Có hiệu lực ngay.',
  'flows.disallowed':
    'Luồng {flow} không còn được phép gì: thông báo của nó chờ duyệt, không được phát khẩn cấp.',
  'flows.yes': 'có',
  'flows.no': 'không',
  'flows.none':
    'Chưa luồng nào được cho phép. Cho phép bằng: thanthien flows allow <mã luồng> --skip-approval',
  'user.added': 'Đã thêm người dùng {name} với vai trò {role}.',
  'user.passwordOnce': 'Mật khẩu (chỉ hiện một lần): {password}',
  'user.passwordSet': 'Đã đặt mật khẩu mới cho {name}; các phiên đăng nhập cũ đã kết thúc.',
  'user.removed': 'Đã xoá người dùng {name} ({role}) và các phiên đăng nhập của họ.',
  'user.none': 'Chưa có người dùng nào. Thêm bằng: thanthien user add <tên> --role <vai trò>',
  'simulate.progress':
    'Mô phỏng: {online}/{devices} thiết bị trực tuyến, {events} sự kiện đã gửi, {acked} đã xác nhận, còn {left} s',
  'simulate.done': 'Xong: {events} sự kiện, {acked} đã được trạm xác nhận.',
  'hub.started': 'Trạm đã chạy: MQTT cổng {mqtt}, HTTP cổng {http}.',
} as const;

export const en = {
  'device.added': 'Device {id} added ({kind}, {place}).',
  'device.rotated': 'New secret issued for {id}; the old one stopped working at once.',
  'device.revoked': 'Device {id} revoked; it was disconnected and cannot connect again.',
  'device.secretOnce': 'The device secret is shown ONCE. Provisioning file: {file}',
  'device.scanQr': 'Scan the QR code to load the configuration into the board:',
  'device.none': 'No devices yet. Add one with: thanthien device add <id> --kind <kind> --desk <desk>',
  'integration.added':
    "Integration {id} added: it may only read the hub's events on {topic}#. The secret is shown ONCE:",
  'integration.revoked': 'Integration {id} revoked; it was disconnected and cannot connect again.',
  'integration.none': 'No integrations yet. Add one with: thanthien integration add <id>',
  'flows.allowed':
    'Flow {flow}: announces without approval: {skip}; emergencies: {emergency}. In force at once.',
  'flows.disallowed':
    'Flow {flow} is allowed nothing now: its announcements wait for approval, no emergencies.',
  'flows.yes': 'yes',
  'flows.no': 'no',
  'flows.none':
    'No flow is allowed anything yet. Allow one with: thanthien flows allow <flow id> --skip-approval',
  'user.added': 'User {name} added with role {role}.',
  'user.passwordOnce': 'Password (shown once): {password}',
  'user.passwordSet': 'New password set for {name}; their earlier sessions ended.',
  'user.removed': 'User {name} ({role}) removed, with their sessions.',
  'user.none': 'No users yet. Add one with: thanthien user add <name> --role <role>',
  'simulate.progress':
    'Simulating: {online}/{devices} devices online, {events} events sent, {acked} acknowledged, {left} s left',
  'simulate.done': 'Done: {events} events, {acked} acknowledged by the hub.',
  'hub.started': 'Hub running: MQTT port {mqtt}, HTTP port {http}.',
} as const satisfies Record<keyof typeof vi, string>;
