import { z } from 'zod';
import { Member } from './members';

export const MyProfile = z.object({
  member: Member.omit({ can: true }).nullable(),
  cadrePositions: z.array(z.object({ orgName: z.string(), position: z.string(), startedAt: z.string() })),
});
export type MyProfile = z.infer<typeof MyProfile>;
