// The words of `thanthien demo`.
export const vi = {
  'demo.board': 'Bảng theo dõi quầy: http://localhost:{port}/board',
  'demo.login': 'Đăng nhập bảng: {name} / {password} (vai trò lãnh đạo, chỉ hiện một lần)',
  'demo.loginKept': 'Đăng nhập bảng bằng tài khoản {name} đã tạo ở lần chạy thử trước.',
} as const;

export const en = {
  'demo.board': 'Desk board: http://localhost:{port}/board',
  'demo.login': 'Board login: {name} / {password} (leader role, shown once)',
  'demo.loginKept': 'Log in to the board as {name}, created by an earlier demo run.',
} as const satisfies Record<keyof typeof vi, string>;
