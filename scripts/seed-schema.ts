// Writes seed/schema/seed.schema.json from the seed field declarations (src/store/seed-schema.ts).
// test/store/seed-json-schema.test.ts fails when the file and the declarations drift apart.
import { writeFileSync } from 'node:fs';
import { seedJsonSchema } from '../src/store/seed-schema';

writeFileSync(new URL('../seed/schema/seed.schema.json', import.meta.url), JSON.stringify(seedJsonSchema(), null, 2) + '\n');
console.log('wrote seed/schema/seed.schema.json');
