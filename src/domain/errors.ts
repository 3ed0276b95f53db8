/**
 * The one error catalog. Services throw `DomainError(code)`; the HTTP edge maps the code's kind to a
 * status (src/server/http/errors.ts) and sends the Chinese message. Codes of rules name the rule
 * (`GRAD_2_TIME_XOR_REASON`), so a user's error leads straight to SPEC.md.
 */
export type ErrorKind =
  | 'INVALID' // 400
  | 'UNAUTHENTICATED' // 401
  | 'FORBIDDEN' // 403: a role may never do this
  | 'NOT_FOUND' // 404: missing, or outside the actor's scope
  | 'CONFLICT' // 409
  | 'PAYLOAD_TOO_LARGE' // 413
  | 'RULE' // 422: a rule of SPEC.md refuses
  | 'RATE_LIMITED' // 429
  | 'INTERNAL' // 500
  | 'UNAVAILABLE'; // 503

const catalog = {
  // generic
  VALIDATION_FAILED: ['INVALID', '提交的数据不符合要求'],
  FIELD_NOT_ALLOWED: ['INVALID', '请求包含不允许提交的字段'],
  BAD_REQUEST: ['INVALID', '请求格式错误'],
  NOT_FOUND: ['NOT_FOUND', '对象不存在或不在您的管理范围内'],
  ROUTE_NOT_FOUND: ['NOT_FOUND', '接口不存在'],
  PAYLOAD_TOO_LARGE: ['PAYLOAD_TOO_LARGE', '提交的数据过大'],
  RATE_LIMITED: ['RATE_LIMITED', '请求过于频繁，请稍后再试'],
  INTERNAL: ['INTERNAL', '服务器内部错误，请稍后重试；如持续出现请联系系统管理员'],
  CONFLICT: ['CONFLICT', '数据已被修改或与现有数据冲突，请刷新后重试'],
  QUERY_TIMEOUT: ['UNAVAILABLE', '查询超时，请缩小查询范围后重试'],

  // sessions and accounts (SEC-2, MEM-6)
  UNAUTHENTICATED: ['UNAUTHENTICATED', '请先登录'],
  SESSION_EXPIRED: ['UNAUTHENTICATED', '登录已超时，请重新登录'],
  LOGIN_FAILED: ['UNAUTHENTICATED', '身份证号码或密码错误（连续错误5次将锁定15分钟）'],
  LOGIN_LOCKED: ['RATE_LIMITED', '登录失败次数过多，请15分钟后再试'],
  LOGIN_THROTTLED: ['RATE_LIMITED', '该网络地址登录失败次数过多，请稍后再试'],
  INITIAL_PASSWORD_EXPIRED: ['UNAUTHENTICATED', '初始密码已过期，请联系团支部或上级管理员重置密码'],
  CSRF_TOKEN_INVALID: ['FORBIDDEN', '页面已过期，请刷新后重试（CSRF 校验失败）'],
  PASSWORD_CHANGE_REQUIRED: ['FORBIDDEN', '请先修改初始密码'],
  PASSWORD_WRONG: ['INVALID', '当前密码不正确'],
  // the admin second factor (issue 7)
  MFA_PENDING: ['FORBIDDEN', '请先完成二次验证（动态验证码）'],
  MFA_REQUIRED: ['FORBIDDEN', '管理员须通过二次验证，请重新登录'],
  MFA_CODE_INVALID: ['UNAUTHENTICATED', '验证码或恢复码不正确（连续错误5次将锁定15分钟）'],
  MFA_NOT_PENDING: ['CONFLICT', '当前会话无需二次验证'],
  MFA_NOT_ENROLLED: ['CONFLICT', '尚未绑定身份验证器'],
  MFA_NO_ENROLLMENT_STARTED: ['CONFLICT', '请先获取新的密钥再确认'],
  MFA_ADMINS_ONLY: ['FORBIDDEN', '只有管理员需要绑定身份验证器'],
  MFA_SELF_RESET: ['FORBIDDEN', '不能在管理中心重置自己的二次验证，请在“账号安全”中重新绑定'],
  BOOTSTRAP_TOKEN_INVALID: ['FORBIDDEN', '初始化令牌无效、已使用或已过期，或系统已有管理员'],
  PASSWORD_POLICY: ['INVALID', '新密码不符合要求'],
  ORG_HEADER_REQUIRED: ['INVALID', '请选择要管理的组织（缺少 x-org-id）'],
  NOT_ADMIN_OF_ORG: ['FORBIDDEN', '您不是该组织的管理员'],
  MEMBER_ONLY: ['FORBIDDEN', '仅团员本人可以使用个人中心'],
  TEST_API_DISABLED: ['NOT_FOUND', '接口不存在'],

  // ID numbers and people (MEM-2, MEM-1)
  MEM_2_LENGTH: ['INVALID', '身份证号码长度错误'],
  MEM_2_FORMAT: ['INVALID', '身份证号码格式错误'],
  MEM_2_REGION: ['INVALID', '身份证号码地区代码错误'],
  MEM_2_BIRTH_DATE: ['INVALID', '身份证号码出生日期错误'],
  MEM_2_CHECK_DIGIT: ['INVALID', '身份证号码校验位错误'],
  MEM_2_ID_NUMBER_TAKEN: ['CONFLICT', '该身份证号码已在系统中登记'],
  MEM_2_NAME_MISMATCH: ['CONFLICT', '该身份证号码已登记，但姓名与登记的不一致'],
  MEM_1_PHONE_TAKEN: ['CONFLICT', '该手机号码已被其他人使用（一人一号）'],
  MEM_1_PHONE_INVALID: ['INVALID', '手机号码应为11位，以1开头'],
  MEM_1_PHONE_REQUIRED: ['RULE', '毕业学生的手机号码为必填项'],
  MEM_1_POSITION_REQUIRED: ['RULE', '团干部须填写团内职务'],
  MEM_5_LOCKED_FIELD: ['INVALID', '姓名和身份证号码不能修改；如录入有误，请向上级报告由后台删除后重新录入'],
  ORG_6_BRANCH_ONLY: ['RULE', '团员只能属于团支部，不能直接属于团委、团工委或团总支'],
  DEV_3_NUMBER_TAKEN: ['CONFLICT', '该发展团员编号已被其他团员使用'],
  MEM_8_ALREADY_LEFT: ['CONFLICT', '该团员已离团'],
  MEM_8_NOT_LEFT: ['CONFLICT', '该团员未离团，无需恢复'],
  MEMBER_NOT_ACTIVE: ['CONFLICT', '该团员已离团，不能修改'],

  // organizations (ORG)
  ORG_1_KIND_NOT_ALLOWED: ['RULE', '该类型的组织不能建在此上级组织之下'],
  ORG_1_LEVEL_REQUIRED: ['RULE', '领导机关团委须指明层级（省、市、县）'],
  ORG_1_SPECIAL_KIND_BRANCH_ONLY: ['RULE', '特殊团支部只能是团支部'],
  ORG_2_BRANCH_IS_LEAF: ['RULE', '团支部是组织树的末端，下面不能再建组织'],
  ORG_4_SCHOOL_CODE_SCHOOL_ONLY: ['RULE', '只有学校领域的组织才能填写学校编码'],
  ORG_7_HAS_MEMBERS: ['RULE', '该组织还有团员，不能删除'],
  ORG_7_HAS_CHILDREN: ['RULE', '该组织还有下级组织，不能删除'],
  ORG_7_HAS_OPEN_TRANSFERS: ['RULE', '该组织还有未办结的组织关系转接，不能删除'],
  ORG_7_HAS_CADRES: ['RULE', '该组织还有在任团干部，不能删除'],
  ORG_8_REGION_UNKNOWN: ['INVALID', '行政区划代码不存在'],
  ORG_9_FULL_NAME_FORMAT: ['RULE', '组织全称格式不正确'],
  ORG_9_NAME_TAKEN: ['CONFLICT', '同一上级组织下已有同名组织'],
  ORG_MOVE_INTO_OWN_SUBTREE: ['RULE', '不能把组织移动到它自己或它的下级组织之下'],
  ORG_MOVE_SAME_PARENT: ['RULE', '新的上级组织与原上级组织相同'],
  ORG_ROOT_IMMUTABLE: ['FORBIDDEN', '不能移动或删除您所管理的本级组织'],

  // cadres and admins (CAD, ADM)
  CAD_1_POSITION_INVALID: ['RULE', '该职务不适用于此类组织'],
  CAD_2_NATURE_REQUIRED: ['RULE', '领导机关团干部须注明专职、挂职或兼职'],
  CAD_2_NATURE_LEADERSHIP_ONLY: ['RULE', '只有领导机关团干部才区分专职、挂职、兼职'],
  CAD_1_ALREADY_CADRE: ['CONFLICT', '此人已是本组织的在任团干部，请使用职务变更'],
  CAD_1_BRANCH_CADRE_VIA_MEMBER: ['RULE', '团支部的团干部随团员信息一起录入（填写团内职务）'],
  CAD_3_POSITION_ENDED: ['CONFLICT', '该职务已卸任'],
  CAD_3_SAME_POSITION: ['RULE', '新职务与现任职务相同'],
  CAD_3_IS_ADMIN: ['RULE', '此人是该组织的管理员，请先撤销其管理员身份再办理卸任'],
  ADM_1_NOT_CADRE: ['RULE', '管理员须先录入为该组织的团干部'],
  ADM_1_ALREADY_ADMIN: ['CONFLICT', '此人已是该组织的管理员'],
  ADM_1_ALREADY_REVOKED: ['CONFLICT', '该管理员已被撤销'],
  ADM_1_SELF_REVOKE: ['RULE', '不能撤销自己的管理员身份，请由其他管理员或上级办理'],

  // graduation (GRAD)
  GRAD_1_SCHOOL_COMMITTEE_ONLY: ['FORBIDDEN', '只有学校领域的团委、团工委、团总支管理员可以标记团支部毕业时间'],
  GRAD_1_BRANCH_ONLY: ['RULE', '只能为团支部标记毕业时间'],
  GRAD_2_TIME_XOR_REASON: ['RULE', '请选择预计毕业时间，或选择无法确定毕业时间的理由（教师支部/混合支部），二者只能选其一'],
  GRAD_2_TIME_OUT_OF_RANGE: ['RULE', '预计毕业时间不在合理范围内'],
  GRAD_3_ONE_SHARED_TIME: ['RULE', '批量标记时所选团支部使用同一个毕业时间'],
  GRAD_4_CONFIRM_REQUIRED: ['RULE', '请先阅读提示并确认后再标记'],
  GRAD_6_NOT_GRADUATING_BRANCH: ['RULE', '只有已标记毕业时间的团支部（或毕业生团组织）的团员可以标记为延迟毕业团员或教师'],
  GRAD_6_DATE_NOT_LATER: ['RULE', '延迟毕业团员的预计毕业时间必须晚于所在团支部的毕业时间'],
  GRAD_6_REASON_REQUIRED: ['RULE', '请填写延迟毕业原因'],
  GRAD_6_NOT_MARKED: ['CONFLICT', '该团员没有延迟毕业团员或教师标记'],
  GRAD_8_NOT_CAMPAIGN_BRANCH: ['RULE', '只能批量删除已清空的毕业生团组织和学社衔接期间的临时团支部'],
  GRAD_6_ACTOR: ['FORBIDDEN', '只有学校领域团委、团工委、团总支（或只有团支部的学校其直属上级）的管理员可以标记'],
  // Graduation campaign (issue 4/7, second half): TR-10 … TR-12 and MEM-7 destinations.
  TR_10_TOO_EARLY: ['RULE', '7月25日之后才能将未就业毕业生转入毕业学生流动团员团支部'],
  TR_10_ACTOR: ['FORBIDDEN', '只有学校领域团委、团工委、团总支的管理员可以将未就业毕业生转入毕业学生流动团员团支部'],
  TR_10_NOT_UNEMPLOYED: ['RULE', '只能转入毕业生团组织中尚未办理组织关系转接的毕业生'],
  TR_10_NO_SCHOOL_COMMITTEE: ['RULE', '该毕业生团组织的上级不是学校团委，无法设立毕业学生流动团员团支部'],
  MEM_7_NOT_GRADUATE: ['RULE', '只能为毕业生（毕业生团组织或已标记毕业时间的团支部的团员）填写毕业去向'],
  MEM_7_REGION_NOT_TOWNSHIP: ['RULE', '单位所在地应为乡镇街道的区划代码'],
  // Excel import and export (issue 2/7)
  IMPORT_NOT_XLSX: ['INVALID', '文件不是 Excel（.xlsx）工作簿，请使用导入模板另存为 .xlsx 后上传'],
  IMPORT_TOO_LARGE: ['PAYLOAD_TOO_LARGE', '文件超过 20 MB，请拆分后分批导入'],
  IMPORT_ZIP_BOMB: ['INVALID', '文件解压后过大（疑似压缩炸弹），已拒绝'],
  IMPORT_FORMULA: ['INVALID', '工作簿含有公式，请复制后“选择性粘贴为数值”再上传'],
  IMPORT_WRONG_ORG: ['RULE', '团员只能导入到团支部，或由团委导入到下级团支部；团干部只能导入到团委、团工委、团总支'],
  IMPORT_NOT_READY: ['CONFLICT', '该导入尚未校验完成、已导入或已过期'],
  IMPORT_HAS_ERRORS: ['RULE', '文件中还有错误，请修改后重新上传，或选择“仅导入无误的行”'],
  IMPORT_NOTHING_VALID: ['RULE', '没有无误的行可以导入'],
  // organization-relation transfers (TR, issue 3/7)
  TR_1_OPEN_TRANSFER_EXISTS: ['CONFLICT', '该团员已有正在办理的组织关系转接'],
  TR_1_MEMBER_NOT_FOUND: ['NOT_FOUND', '未找到姓名与身份证号码相符的团员'],
  TR_1_MEMBER_NOT_ACTIVE: ['RULE', '该团员已离团，不能办理组织关系转接'],
  TR_1_TARGET_IS_CURRENT: ['RULE', '转入组织与团员当前所在组织相同'],
  TR_1_RECEIVING_TARGET_OUT_OF_SCOPE: ['RULE', '转入发起时，转入组织须是您所管理的组织或其下级组织'],
  TR_3_ALLOCATE_BRANCH_ONLY: ['RULE', '只能分配到转入组织下属的团支部'],
  TR_6_REASON_NOT_ALLOWED: ['RULE', '该转接原因不适用于此团员'],
  TR_6_FIELD_REQUIRED: ['RULE', '请填写该转接原因要求的信息'],
  TR_6_FIELD_NOT_ALLOWED: ['RULE', '该转接原因无需填写此项信息'],
  TR_6_TARGET_REQUIRED: ['RULE', '请选择转入组织'],
  TR_6_TARGET_NOT_ALLOWED: ['RULE', '该转接原因无需选择转入组织'],
  TR_6_TARGET_MISMATCH: ['RULE', '转入组织不符合该转接原因的要求'],
  TR_6_NO_PROVINCE: ['RULE', '未找到团员所在的省级团委，无法办理转往特殊单位团组织'],
  TR_7_SCOPE_MISMATCH: ['RULE', '转入组织与所选的省份范围（北京/广东/福建）不符'],
  TR_8_REASON_REQUIRED: ['INVALID', '退回须填写理由'],
  TR_8_REASON_NOT_ACCEPTED: ['RULE', '不得以“非正式员工”“非本地户籍”等理由退回组织关系转接'],
  TR_4_NOT_YOUR_NODE: ['FORBIDDEN', '该审批环节不由您所管理的组织处理（团支部环节由本团支部或其直接上级处理，其他环节由该组织处理）'],
  TR_NODE_ALREADY_DECIDED: ['CONFLICT', '该审批环节已被处理（可能已由其他管理员或系统处理），请刷新'],
  TR_NODE_NOT_ALLOCATION: ['RULE', '该环节不是分配团支部环节'],
  TR_NODE_IS_ALLOCATION: ['RULE', '分配团支部环节须选择团支部，不能直接通过'],
  TR_NOT_OPEN: ['CONFLICT', '该组织关系转接已办结或已撤销'],
  TR_CANCEL_STARTER_ONLY: ['FORBIDDEN', '只有发起方可以撤销该组织关系转接'],
  TR_9_LETTER_MIXED_TARGETS: ['RULE', '一封介绍信只能开给同一个转入组织'],
  // supervision: statistics, development numbers, reports upward (ST, DEV-1/2, REP)
  ST_LEADERSHIP_ONLY: ['FORBIDDEN', '只有团的领导机关才能填报团统数和教统数据'],
  DEV_1_RANGE_FORMAT: ['RULE', '号段格式不正确：起止编号须为12位数字'],
  DEV_1_NOT_DIRECT_CHILD: ['RULE', '号段只能下发给直属下级组织'],
  DEV_1_NOT_HELD: ['RULE', '只能从本组织收到的号段中下发'],
  DEV_1_OVERLAP: ['CONFLICT', '该号段与已下发的号段重叠'],
  DEV_1_NUMBER_NOT_YOURS: ['RULE', '该发展团员编号属于下发给其他组织的号段，不能在本团支部使用'],
  DEV_1_NUMBER_VOIDED: ['RULE', '该发展团员编号已登记为未使用（作废），不能再使用'],
  DEV_2_NUMBER_USED: ['CONFLICT', '该编号已被团员使用，无需说明'],
  DEV_2_ALREADY_EXPLAINED: ['CONFLICT', '该编号已登记过未使用说明'],
  DEV_2_NOT_IN_RANGE: ['RULE', '该编号不在本组织及下级收到的号段内'],
  REP_NOT_AT_YOUR_LEVEL: ['NOT_FOUND', '对象不存在或不在您的管理范围内'],
  REP_CLOSED: ['CONFLICT', '该上报事项已办结'],
  REP_BACKEND_ONLY: ['FORBIDDEN', '只有团中央后台才能执行删除或更正'],
  REP_BACKEND_CANNOT_FORWARD: ['RULE', '团中央后台不能再向上转报，请执行或退回'],
  REP_NO_PARENT: ['RULE', '本级没有上级组织，无法上报'],
  REP_ALREADY_OPEN: ['CONFLICT', '该对象已有未办结的上报事项'],
  REP_1_MEMBER_GONE: ['CONFLICT', '该团员记录已不存在或已变更'],
  REP_1_HAS_TRANSFERS: ['RULE', '该团员有组织关系转接记录，不能作为误录入删除；如信息有误，请在转接完成后由所在团支部更正'],
  REP_2_NOT_TOWNSHIP_CANDIDATE: ['RULE', '只有团委、团工委、团总支才有乡镇街道识别结果'],
  REP_2_FLAG_ALREADY: ['RULE', '识别结果与上报的一致，无需更正'],
  REP_3_EXPLANATION_REQUIRED: ['RULE', '教统数据与团内统计差距超过5%，须填写情况说明'],
} as const satisfies Record<string, readonly [ErrorKind, string]>;

export type ErrorCode = keyof typeof catalog;
export const ERROR_CODES = Object.keys(catalog) as ErrorCode[];

export function errorKind(code: ErrorCode): ErrorKind {
  return catalog[code][0];
}

export function defaultMessage(code: ErrorCode): string {
  return catalog[code][1];
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(catalog, code);
}

/** One problem with one field, as listed in `error.details`. */
export interface ErrorDetail {
  field?: string;
  code?: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message?: string, details: ErrorDetail[] = []) {
    super(message ?? defaultMessage(code));
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** Result of a pure rule check: nothing wrong, or the first problem found. */
export type RuleResult = { ok: true } | { ok: false; code: ErrorCode; message: string };
export const OK: RuleResult = { ok: true };
export function refuse(code: ErrorCode, message?: string): RuleResult {
  return { ok: false, code, message: message ?? defaultMessage(code) };
}
export function assertRule(result: RuleResult): void {
  if (!result.ok) throw new DomainError(result.code, result.message);
}
