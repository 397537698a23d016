/**
 * Waivers that hold exactly what they declare (issue 20). A target's profile declares a deviation for
 * some cases, and what failure it allows: the step that departs, the field that differs, what the
 * target sent there. A failing case the deviation covers shows as waived only when its first
 * divergence is one the deviation allows; a case the deviation covers that fails in any other way
 * fails, naming both, so that a changed behaviour is never hidden behind an old waiver.
 */
import picomatch from 'picomatch';
import type { AllowedDivergence, Deviation, TargetProfile } from '../profile/parse';
import type { CaseResult } from './result';

/** `*` matches any run of characters; everything else stands for itself. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

/** `a 'time' mismatch at 'expect S seq 0 *'`: what one allowance lets through, in words. */
export function allowanceText(allowed: AllowedDivergence): string {
  const parts = [
    allowed.field !== undefined ? `a '${allowed.field}' mismatch` : 'a divergence',
    ...(allowed.step !== undefined ? [`at '${allowed.step}'`] : []),
    ...(allowed.observed !== undefined ? [`observing '${allowed.observed}'`] : []),
  ];
  return parts.join(' ');
}

function allows(allowed: AllowedDivergence, result: CaseResult): boolean {
  const divergence = result.divergence;
  if (divergence === undefined) return false;
  const step = result.steps[divergence.step]?.text ?? '';
  return (
    (allowed.step === undefined || wildcard(allowed.step).test(step)) &&
    (allowed.observed === undefined || wildcard(allowed.observed).test(divergence.observed)) &&
    (allowed.field === undefined || divergence.mismatches.some((m) => m.field === allowed.field))
  );
}

/** The failure as the waiver sees it: `'expect S seq 0 after 2s' (line 20) observed 'nothing'`. */
function failureText(result: CaseResult): string {
  const divergence = result.divergence;
  if (divergence === undefined) return result.reason ?? 'a failure';
  const fields = divergence.mismatches.map((m) => m.field).join(', ');
  return `'${result.steps[divergence.step]?.text ?? ''}' (${divergence.file}:${divergence.line}) observed '${divergence.observed}'${fields ? ` (${fields})` : ''}`;
}

/**
 * A failure the target's profile declares as a known deviation shows as waived, with the profile's
 * reason and what it allows; a covered case failing otherwise stays failed and says so.
 */
export function waive(result: CaseResult, profile: TargetProfile): CaseResult {
  if (result.verdict !== 'fail') return result;
  const deviation: Deviation | undefined = profile.deviations.find((d) => picomatch(d.cases)(result.id));
  if (!deviation) return result;
  const file = profile.file;
  const allowed = deviation.allows.map(allowanceText).join('; or ');
  const waiver = { profile: file, reason: deviation.reason, allows: deviation.allows.map(allowanceText), ...(deviation.source !== undefined && { source: deviation.source }) };
  if (!deviation.allows.some((a) => allows(a, result))) {
    return { ...result, reason: `${result.reason ?? ''} — and ${file} waives this case only for ${allowed} (${deviation.reason}), not for ${failureText(result)}` };
  }
  return { ...result, verdict: 'waived', waiver, reason: `waived by ${file}: ${deviation.reason}; it allows ${allowed} (the failure: ${result.reason ?? ''})` };
}
