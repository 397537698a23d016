import { appendixBId, testabilityOf, wireCoverage } from '../../src/suite/requirements';

const naming = (...requirements: string[]) => ({ spec: { rfc9293: ['3.1'], requirements } });

describe('RFC 9293 requirement coverage', () => {
  test('every Appendix B id has one kind, and the wire kinds hold 89 of the 119', () => {
    expect(testabilityOf('MUST-13')).toBe('W+T');
    expect(testabilityOf('MUST-46')).toBe('API');
    expect(testabilityOf('MUST-70')).toBeUndefined();
    expect(wireCoverage([]).testable).toHaveLength(89);
    expect(wireCoverage([]).uncovered).toHaveLength(89);
  });

  test('a refined id names its base id; synthetic ids and API ids count for nothing', () => {
    expect(appendixBId('MUST-15/ipv4')).toBe('MUST-15');
    expect(appendixBId('EVT-3.10.7.4-RST-1')).toBeUndefined();
    const coverage = wireCoverage([naming('MUST-15/ipv4', 'EVT-3.10.7.4-RST-1'), naming('MUST-46', 'SHLD-8'), naming('SHLD-8')]);
    expect(coverage.covered).toEqual(['SHLD-8', 'MUST-15']);
    expect(coverage.uncovered).toHaveLength(87);
    expect(coverage.uncovered).not.toContain('MUST-46');
  });
});
