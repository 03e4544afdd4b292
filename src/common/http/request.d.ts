import type { Principal } from '../auth/permissions.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    csrfToken?: string;
    loginAt?: number;
  }
}
