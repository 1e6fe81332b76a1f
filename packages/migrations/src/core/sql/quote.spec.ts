import { dollarQuoted, quoteIdentifier } from './quote';

describe('dollarQuoted', () => {
  it('quotes under $forge$, or under a tag the body does not hold', () => {
    expect(dollarQuoted('SELECT 1')).toBe('$forge$SELECT 1$forge$');
    const hostile = `UPDATE ${quoteIdentifier('x"$forge$y')} SET a = '$forge0$'`;
    expect(dollarQuoted(hostile)).toBe(`$forge1$${hostile}$forge1$`);
  });
});
