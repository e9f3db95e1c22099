import { z } from 'zod';

export const LoginBody = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(1024),
});

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});
