/**
 * Part of `npm run drill:restore`: the restored database's encrypted personal data opens with the
 * backed-up data key — every person's ID number decrypts, and its blind index matches (a sample of up
 * to 1,000). Prints a count, never a value.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PiiCipher } from '../src/lib/pii';

const url = process.env.DRILL_URL;
const keyFile = process.env.ZHTJ_DATA_KEY_FILE;
if (!url || !keyFile) throw new Error('DRILL_URL and ZHTJ_DATA_KEY_FILE are required');
const cipher = new PiiCipher(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const { rows } = await client.query<{ enc: Buffer; idx: Buffer }>('SELECT id_number_enc AS enc, id_number_idx AS idx FROM persons ORDER BY id LIMIT 1000');
  let ok = 0;
  for (const r of rows) {
    const id = cipher.decrypt(r.enc);
    if (Buffer.compare(Buffer.from(cipher.blindIndex('id', id)), Buffer.from(r.idx)) !== 0) throw new Error('blind index mismatch after restore');
    ok++;
  }
  console.log(`用备份的数据密钥解密成功：${ok} 个身份证号码（抽查），盲索引一致`);
} finally {
  await client.end();
}
