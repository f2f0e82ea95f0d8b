// `thanthien … --help`: what each command and subcommand does. Printed Vietnamese first, then
// English; asking for help never starts, writes or connects anything.
export const vi = {
  'help.main': `Cách dùng: thanthien <lệnh> [--help]

  hub        chạy trạm (MQTT, kho dữ liệu, API, bảng theo dõi quầy)
  demo       chạy trạm cùng một xã mô phỏng, để xem ngay dữ liệu sống
  device     thêm, liệt kê, thu hồi thiết bị, cấp lại mật khẩu thiết bị
  integration  kết nối tích hợp chỉ đọc sự kiện của trạm (Node-RED, phần mềm của huyện, tỉnh)
  flows      cho phép luồng Node-RED phát thông báo không cần duyệt, hoặc phát khẩn cấp
  user       thêm, liệt kê, đổi mật khẩu, xoá người dùng
  simulate   chạy các thiết bị ảo nói giao thức v1 vào một trạm

Mỗi lệnh có --help riêng, ví dụ: thanthien device add --help
Biến môi trường: TT_CONFIG, TT_DATA_DIR, TT_INFLUX_URL, TT_HOST, TT_MQTT_PORT, TT_HTTP_PORT (docs/operations.md)`,
  'help.hub': `Cách dùng: thanthien hub

Chạy trạm: MQTT (TT_MQTT_PORT, 1883), HTTP và API (TT_HTTP_PORT, 8080), kho dữ liệu trong TT_DATA_DIR.
Mỗi thư mục dữ liệu chỉ một trạm chạy. Dừng bằng Ctrl+C hoặc SIGTERM.`,
  'help.demo': `Cách dùng: thanthien demo

Chạy trạm cùng một xã mô phỏng (một hộp nút và một cảm biến mỗi quầy, một loa mỗi thôn), in địa chỉ
bảng theo dõi quầy và tài khoản lãnh đạo demo-lanh-dao. Quên mật khẩu: thanthien user passwd demo-lanh-dao`,
  'help.device': `Cách dùng: thanthien device <add|list|revoke|rotate> … [--help]

  add <id> --kind <loại> (--desk <quầy> | --zone <thôn>)   đăng ký thiết bị, cấp mật khẩu (hiện một lần)
  list                                                     danh sách thiết bị, trực tuyến hay không
  revoke <id>                                              thu hồi: ngắt kết nối ngay, từ chối từ nay
  rotate <id>                                              cấp mật khẩu mới; mật khẩu cũ hết hiệu lực ngay`,
  'help.device.add': `Cách dùng: thanthien device add <id> --kind rating-button|presence-sensor|speaker
                             (--desk <quầy> | --zone <thôn>) [--out <tệp>] [--json]

Đăng ký thiết bị và cấp mật khẩu riêng (chỉ hiện MỘT lần). Tệp cấu hình thiết bị (quyền 0600) được ghi
vào TT_DATA_DIR/provisioning/<id>.thanthien.json, hoặc --out; --json chỉ in một dòng JSON cho script.`,
  'help.device.list': `Cách dùng: thanthien device list [--json]

Mọi thiết bị: loại, quầy hoặc thôn, trực tuyến hay không, lần cuối thấy (giờ của xã).`,
  'help.device.revoke': `Cách dùng: thanthien device revoke <id>

Thu hồi thiết bị: trạm ngắt kết nối của nó ngay và từ chối từ nay. Cho dùng lại: device rotate <id> --reinstate`,
  'help.device.rotate': `Cách dùng: thanthien device rotate <id> [--reinstate] [--out <tệp>] [--json]

Cấp mật khẩu mới; mật khẩu cũ hết hiệu lực ngay, kể cả kết nối đang mở. Thiết bị đã thu hồi bị từ chối,
trừ khi có --reinstate (cho thiết bị dùng lại với mật khẩu mới).`,
  'help.integration': `Cách dùng: thanthien integration <add|list|revoke> … [--help]

  add <id> [--json]   cấp thông tin đăng nhập MQTT chỉ đọc sự kiện của trạm (…/hub/events/#); mật khẩu hiện một lần
  list [--json]       danh sách kết nối tích hợp
  revoke <id>         thu hồi: ngắt kết nối ngay, từ chối từ nay

Sự kiện và nội dung: docs/protocol.md (luồng sự kiện của trạm).`,
  'help.flows': `Cách dùng: thanthien flows <allow|list|disallow> … [--help]

  allow <mã luồng> [--skip-approval] [--emergency] [--name <tên>] [--user <tên>]
                                                    cho phép một luồng (id của tab trong Node-RED)
  list [--json]                                                     các luồng được cho phép
  disallow <mã luồng> [--user <tên>]                                rút lại mọi quyền của luồng

--user: người dùng vai trò flows mà luồng gửi bằng (mặc định thanthien-flows, Node-RED của trạm).
Không được cho phép, thông báo của luồng chờ lãnh đạo duyệt và không được phát khẩn cấp (docs/flows.md).`,
  'help.user': `Cách dùng: thanthien user <add|list|passwd|remove> … [--help]

  add <tên> --role admin|leader|operator|technician|flows [--password <mật khẩu>]   thêm người dùng
  list                                                                      danh sách người dùng
  passwd <tên> [--password <mật khẩu>]                                      đặt mật khẩu mới
  remove <tên>                                                              xoá người dùng và phiên của họ`,
  'help.user.add': `Cách dùng: thanthien user add <tên> --role admin|leader|operator|technician|flows [--password <mật khẩu>]

Vai trò: admin (quản trị), leader (lãnh đạo), operator (phát thanh viên), technician (kỹ thuật), flows (tài khoản cho các nút Node-RED, không phải người).
Không có --password: một mật khẩu được tạo và hiện một lần.`,
  'help.user.list': `Cách dùng: thanthien user list [--json]

Mọi người dùng, vai trò, ngày tạo và số phiên đang mở.`,
  'help.user.passwd': `Cách dùng: thanthien user passwd <tên> [--password <mật khẩu>]

Đặt mật khẩu mới (không có --password: tạo và hiện một lần); mọi phiên đang mở của người đó kết thúc.`,
  'help.user.remove': `Cách dùng: thanthien user remove <tên>

Xoá người dùng; mọi phiên đang mở của họ kết thúc ngay.`,
  'help.simulate': `Cách dùng: thanthien simulate [--url mqtt://127.0.0.1:1883] [--desks <n>] [--speakers <n>]
                          [--rate <lần bấm mỗi quầy mỗi phút>] [--duration <giây>] [--credentials <tệp>]

Chạy các thiết bị ảo (sim-btn-…, sim-pir-…, sim-loa-…) vào trạm. Không có --credentials, chúng được
đăng ký trong kho của trạm này (nếu đang trực tuyến, ví dụ đang chạy demo, lệnh từ chối thay vì làm
hỏng bản đang chạy). --credentials: mỗi dòng một JSON như "thanthien device add --json" in ra.
Kết thúc với mã lỗi khác 0 nếu không kết nối được hoặc trạm không xác nhận sự kiện nào.`,
} as const;

export const en = {
  'help.main': `Usage: thanthien <command> [--help]

  hub        run the hub (MQTT, store, API, desk board)
  demo       run the hub with a simulated commune, to see live data at once
  device     add, list, revoke devices, issue a device a new secret
  integration  read-only clients of the hub's events (Node-RED, a district's or province's software)
  flows      allow a Node-RED flow to announce without approval, or to send emergencies
  user       add, list, set the password of, remove users
  simulate   run virtual devices that speak protocol v1 to a hub

Each command has its own --help, e.g. thanthien device add --help
Environment: TT_CONFIG, TT_DATA_DIR, TT_INFLUX_URL, TT_HOST, TT_MQTT_PORT, TT_HTTP_PORT (docs/operations.md)`,
  'help.hub': `Usage: thanthien hub

Run the hub: MQTT (TT_MQTT_PORT, 1883), HTTP and the API (TT_HTTP_PORT, 8080), its store in TT_DATA_DIR.
One hub per data directory. Stop with Ctrl+C or SIGTERM.`,
  'help.demo': `Usage: thanthien demo

Run the hub with a simulated commune (a rating box and a sensor per desk, a loudspeaker per zone),
print the desk board's address and the leader login demo-lanh-dao. Lost the password? thanthien user passwd demo-lanh-dao`,
  'help.device': `Usage: thanthien device <add|list|revoke|rotate> … [--help]

  add <id> --kind <kind> (--desk <desk> | --zone <zone>)   register a device, issue its secret (shown once)
  list                                                     the devices, online or not
  revoke <id>                                              revoke: disconnected now, refused from now on
  rotate <id>                                              issue a new secret; the old one stops at once`,
  'help.device.add': `Usage: thanthien device add <id> --kind rating-button|presence-sensor|speaker
                             (--desk <desk> | --zone <zone>) [--out <file>] [--json]

Register a device and issue its own secret (shown ONCE). Its provisioning file (mode 0600) is written
to TT_DATA_DIR/provisioning/<id>.thanthien.json, or --out; --json prints one JSON line for scripts.`,
  'help.device.list': `Usage: thanthien device list [--json]

Every device: kind, desk or zone, online or not, last seen (site time).`,
  'help.device.revoke': `Usage: thanthien device revoke <id>

Revoke a device: the hub closes its connection at once and refuses it from now on. To use it again:
device rotate <id> --reinstate`,
  'help.device.rotate': `Usage: thanthien device rotate <id> [--reinstate] [--out <file>] [--json]

Issue a new secret; the old one stops working at once, live connections included. A revoked device
is refused unless --reinstate is given (the device may connect again, with the new secret).`,
  'help.integration': `Usage: thanthien integration <add|list|revoke> … [--help]

  add <id> [--json]   issue MQTT credentials that may only read the hub's events (…/hub/events/#); the secret is shown once
  list [--json]       the integrations
  revoke <id>         revoke: disconnected at once, refused from now on

The events and what they carry: docs/protocol.md (the hub's event stream).`,
  'help.flows': `Usage: thanthien flows <allow|list|disallow> … [--help]

  allow <flow id> [--skip-approval] [--emergency] [--name <name>] [--user <name>]
                                                    allow a flow (a Node-RED tab's id)
  list [--json]                                                     the flows allowed anything
  disallow <flow id> [--user <name>]                                withdraw all a flow was allowed

--user: the flows user the flow sends as (default thanthien-flows, the hub's own Node-RED).
Unless allowed, a flow's announcements wait for a leader's approval and it may send no emergency (docs/flows.md).`,
  'help.user': `Usage: thanthien user <add|list|passwd|remove> … [--help]

  add <name> --role admin|leader|operator|technician|flows [--password <password>]   add a user
  list                                                                        the users
  passwd <name> [--password <password>]                                       set a new password
  remove <name>                                                               remove a user and their sessions`,
  'help.user.add': `Usage: thanthien user add <name> --role admin|leader|operator|technician|flows [--password <password>]

Roles: admin, leader, operator (radio operator), technician, flows (an account for Node-RED's nodes, not a person).
Without --password one is generated and shown once.`,
  'help.user.list': `Usage: thanthien user list [--json]

Every user, their role, when they were added and how many sessions they have open.`,
  'help.user.passwd': `Usage: thanthien user passwd <name> [--password <password>]

Set a new password (without --password: generated and shown once); the user's open sessions end.`,
  'help.user.remove': `Usage: thanthien user remove <name>

Remove a user; their open sessions end at once.`,
  'help.simulate': `Usage: thanthien simulate [--url mqtt://127.0.0.1:1883] [--desks <n>] [--speakers <n>]
                          [--rate <presses per desk per minute>] [--duration <s>] [--credentials <file>]

Run virtual devices (sim-btn-…, sim-pir-…, sim-loa-…) against a hub. Without --credentials they are
registered in this hub's store (if they are online, e.g. a demo is running, it refuses instead of
breaking that run). --credentials: one JSON object per line, as "thanthien device add --json" prints.
Ends with a non-zero code when it cannot connect or the hub acknowledged no event.`,
} as const satisfies Record<keyof typeof vi, string>;
