import { ERROR_RESPONSES } from '../../../contracts/common';
import { MyProfile } from '../../../contracts/me';
import { UpdateMyProfileRequest } from '../../../contracts/members';
import type { AppContext } from '../../context';
import { requireActor, requireMember } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { getMyProfile, updateMyProfile } from './me.service';

const errors = ERROR_RESPONSES;
const tags = ['个人中心'];

export function registerMeRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/me', {
    config: { access: 'session' },
    schema: { operationId: 'getMyProfile', tags, summary: '我的团员信息', response: { 200: MyProfile, ...errors } },
    handler: async (req) => getMyProfile(ctx, requireActor(req)),
  });

  app.patch('/api/me', {
    config: { access: 'member', lockedFields: ['name', 'idNumber'] },
    schema: {
      operationId: 'updateMyProfile',
      tags,
      summary: '完善我的资料（姓名、身份证号码、所在团支部不可由本人修改）',
      body: UpdateMyProfileRequest,
      response: { 200: MyProfile, ...errors },
    },
    handler: async (req) => updateMyProfile(ctx, requireMember(req), req.body),
  });
}
