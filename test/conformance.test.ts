/**
 * The project's own suite as jest tests on the reference target, through the jest integration a user's
 * project would use (src/jest): every case in suites/ must pass on the reference machine.
 */
import path from 'node:path';
import { conformanceSuite } from '../src/jest';

conformanceSuite({ target: 'reference', suites: [path.join(__dirname, '..', 'suites')], families: ['ipv4', 'ipv6'] });
