/**
 * JUnit XML for CI systems: one <testsuite> per target and area, one <testcase> per case. A failure's
 * message is the first divergence in one line; its body holds expected against observed and the file
 * and line of the step. Everything is escaped: reasons can carry what a target sent.
 */
import { runOf, type CaseResult } from '../runner/result';
import { countVerdicts, groupBy, inReportOrder } from './summary';

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML and drops the characters XML 1.0 cannot carry at all. */
function xml(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] as string);
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(r: CaseResult): string {
  const open = `    <testcase classname="${xml(`${runOf(r)}.${r.area}`)}" name="${xml(r.id)}" file="${xml(r.file)}" time="${seconds(r.durationMs)}">`;
  const reason = r.reason ?? '';
  switch (r.verdict) {
    case 'pass':
      return `${open}</testcase>`;
    case 'skip':
    case 'waived':
      return `${open}\n      <skipped message="${xml(`${r.verdict}: ${reason}`)}"/>\n    </testcase>`;
    case 'error':
      return `${open}\n      <error message="${xml(reason)}" type="error">${xml(reason)}</error>\n    </testcase>`;
    case 'fail': {
      const d = r.divergence;
      const body = d
        ? [`${d.file}:${d.line}`, `expected: ${d.expected}`, `observed: ${d.observed}`, ...d.mismatches.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`)].join('\n')
        : reason;
      return `${open}\n      <failure message="${xml(reason)}" type="${xml(r.level)}">${xml(body)}</failure>\n    </testcase>`;
    }
  }
}

export function renderJunit(unordered: readonly CaseResult[]): string {
  const results = inReportOrder(unordered);
  const suites = groupBy(results, (r) => `${runOf(r)}/${r.area}`).map(({ key }) => {
    const members = results.filter((r) => `${runOf(r)}/${r.area}` === key);
    const c = countVerdicts(members);
    const time = seconds(members.reduce((sum, r) => sum + r.durationMs, 0));
    return [
      `  <testsuite name="${xml(key)}" tests="${c.total}" failures="${c.fail}" errors="${c.error}" skipped="${c.skip + c.waived}" time="${time}">`,
      ...members.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  const all = countVerdicts(results);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tcpconform" tests="${all.total}" failures="${all.fail}" errors="${all.error}" skipped="${all.skip + all.waived}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
