// Every enumerated value of the data dictionary (SPEC.md) with its Chinese label.
// API values are the English codes; the UI and exports show the labels.

export const ORG_KINDS = ['LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const ORG_KIND_LABELS: Record<OrgKind, string> = {
  LEADERSHIP: '领导机关团委',
  COMMITTEE: '团委',
  WORK_COMMITTEE: '团工委',
  GENERAL_BRANCH: '团总支',
  BRANCH: '团支部',
};

export const LEADERSHIP_LEVELS = ['NATIONAL', 'PROVINCIAL', 'CITY', 'COUNTY'] as const;
export type LeadershipLevel = (typeof LEADERSHIP_LEVELS)[number];
export const LEADERSHIP_LEVEL_LABELS: Record<LeadershipLevel, string> = {
  NATIONAL: '全国',
  PROVINCIAL: '省级',
  CITY: '市级',
  COUNTY: '县级',
};

export const SPECIAL_KINDS = ['TRANSITION', 'MOBILE_GRADUATES', 'ABROAD_STUDY', 'DELAYED'] as const;
export type SpecialKind = (typeof SPECIAL_KINDS)[number];
export const SPECIAL_KIND_LABELS: Record<SpecialKind, string> = {
  TRANSITION: '学社衔接临时团支部',
  MOBILE_GRADUATES: '毕业学生流动团员团支部',
  ABROAD_STUDY: '出国（境）学习研究团员团支部',
  DELAYED: '延迟毕业团支部',
};

export const ORG_CATEGORIES = ['NORMAL', 'GRADUATE'] as const;
export type OrgCategory = (typeof ORG_CATEGORIES)[number];
export const ORG_CATEGORY_LABELS: Record<OrgCategory, string> = { NORMAL: '普通', GRADUATE: '毕业生团组织' };

export const INDUSTRY_CATEGORIES = [
  'GOVERNMENT',
  'PUBLIC_INSTITUTION',
  'HIGHER_EDUCATION',
  'VOCATIONAL_SCHOOL',
  'HIGH_SCHOOL',
  'MIDDLE_SCHOOL',
  'PRIMARY_SCHOOL',
  'STATE_ENTERPRISE',
  'COLLECTIVE_ENTERPRISE',
  'PRIVATE_ENTERPRISE',
  'SOCIAL_ORGANIZATION',
  'MILITARY',
  'ARMED_POLICE',
  'URBAN_COMMUNITY',
  'RURAL',
  'OTHER',
] as const;
export type IndustryCategory = (typeof INDUSTRY_CATEGORIES)[number];
export const INDUSTRY_CATEGORY_LABELS: Record<IndustryCategory, string> = {
  GOVERNMENT: '党政机关',
  PUBLIC_INSTITUTION: '事业单位(不含公立学校)',
  HIGHER_EDUCATION: '普通高等院校',
  VOCATIONAL_SCHOOL: '职业教育学校',
  HIGH_SCHOOL: '普通高中',
  MIDDLE_SCHOOL: '初中',
  PRIMARY_SCHOOL: '小学',
  STATE_ENTERPRISE: '国有企业',
  COLLECTIVE_ENTERPRISE: '集体企业',
  PRIVATE_ENTERPRISE: '非公企业',
  SOCIAL_ORGANIZATION: '新社会组织(不含民办学校)',
  MILITARY: '军队',
  ARMED_POLICE: '武警',
  URBAN_COMMUNITY: '城市社区',
  RURAL: '农村',
  OTHER: '其他',
};

export const GRADUATION_EXEMPT_REASONS = ['TEACHERS', 'MIXED'] as const;
export type GraduationExemptReason = (typeof GRADUATION_EXEMPT_REASONS)[number];
export const GRADUATION_EXEMPT_REASON_LABELS: Record<GraduationExemptReason, string> = {
  TEACHERS: '教师支部',
  MIXED: '混合支部',
};

export const POLITICAL_STATUSES = ['LEAGUE_MEMBER', 'PARTY_PROBATIONARY', 'PARTY_MEMBER'] as const;
export type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];
export const POLITICAL_STATUS_LABELS: Record<PoliticalStatus, string> = {
  LEAGUE_MEMBER: '共青团员',
  PARTY_PROBATIONARY: '中共预备党员',
  PARTY_MEMBER: '中共党员',
};

export const GENDERS = ['MALE', 'FEMALE'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_LABELS: Record<Gender, string> = { MALE: '男', FEMALE: '女' };

export const IDENTITY_STATUSES = ['VERIFIED', 'NEEDS_RECTIFICATION'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];
export const IDENTITY_STATUS_LABELS: Record<IdentityStatus, string> = {
  VERIFIED: '身份已确认',
  NEEDS_RECTIFICATION: '需整改',
};

/** MEM-3: the document that proves league membership. */
export const IDENTITY_EVIDENCES = ['APPLICATION_FORM', 'MEMBER_CARD', 'INTRODUCTION_LETTER'] as const;
export type IdentityEvidence = (typeof IDENTITY_EVIDENCES)[number];
export const IDENTITY_EVIDENCE_LABELS: Record<IdentityEvidence, string> = {
  APPLICATION_FORM: '入团志愿书',
  MEMBER_CARD: '团员证（2017或2018年度进行过团籍注册）',
  INTRODUCTION_LETTER: '组织关系介绍信',
};

export const GRADUATE_STATUSES = ['GRADUATE', 'DELAYED', 'TEACHER'] as const;
export type GraduateStatus = (typeof GRADUATE_STATUSES)[number];
export const GRADUATE_STATUS_LABELS: Record<GraduateStatus, string> = {
  GRADUATE: '毕业生',
  DELAYED: '延迟毕业团员',
  TEACHER: '教师',
};

export const MEMBER_STATUSES = ['ACTIVE', 'LEFT'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];
export const MEMBER_STATUS_LABELS: Record<MemberStatus, string> = { ACTIVE: '在团', LEFT: '已离团' };

/** MEM-8 */
export const LEAVE_REASONS = ['AGE_28', 'VOLUNTARY', 'LAPSED', 'EXPELLED', 'OTHER'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];
export const LEAVE_REASON_LABELS: Record<LeaveReason, string> = {
  AGE_28: '满28周岁离团',
  VOLUNTARY: '自愿退团',
  LAPSED: '自行脱团',
  EXPELLED: '开除团籍',
  OTHER: '其他',
};

/** Why a membership period (a member's stay in one branch) started or ended. */
export const MEMBERSHIP_START_REASONS = ['ENTRY', 'TRANSFER', 'RESTORE', 'REASSIGN'] as const;
export type MembershipStartReason = (typeof MEMBERSHIP_START_REASONS)[number];
export const MEMBERSHIP_END_REASONS = ['TRANSFER', 'LEFT', 'REASSIGN', 'DELETED'] as const;
export type MembershipEndReason = (typeof MEMBERSHIP_END_REASONS)[number];
export const MEMBERSHIP_REASON_LABELS: Record<MembershipStartReason | MembershipEndReason, string> = {
  ENTRY: '录入',
  TRANSFER: '组织关系转接',
  RESTORE: '恢复团籍',
  REASSIGN: '调整团支部',
  LEFT: '离团',
  DELETED: '后台删除',
};

/** CAD-2: the nature of a leadership-organ cadre post. */
export const CADRE_NATURES = ['FULL_TIME', 'SECONDED', 'PART_TIME'] as const;
export type CadreNature = (typeof CADRE_NATURES)[number];
export const CADRE_NATURE_LABELS: Record<CadreNature, string> = {
  FULL_TIME: '专职',
  SECONDED: '挂职',
  PART_TIME: '兼职',
};

/** 56 ethnic groups in the order of GB 3304, plus 其他. */
export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族', '其他',
] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];

export const EDUCATION_LEVELS = [
  '博士研究生', '硕士研究生', '大学本科', '大学专科', '中等专科', '职业高中', '技工学校', '普通高中', '初中', '小学', '其他',
] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export const OCCUPATIONS = [
  '学生', '国有企业职工', '非公有制企业职工', '党政机关工作人员', '事业单位工作人员', '农民', '自由职业者',
  '个体工商户', '进城务工人员', '军人', '社会组织工作人员', '教师', '待业', '其他',
] as const;
export type Occupation = (typeof OCCUPATIONS)[number];
