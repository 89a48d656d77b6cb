/**
 * The terms of a paper that can say what it is about: its title's and abstract's stems
 * (stems.ts) less stop words, lone characters and quantities (numbers, alone or as sizes,
 * factors and ordinals: 2024, 65b, 200m, 5x, 1st). Stop words are the function
 * words of English and the words every abstract uses to describe itself ("we propose a
 * novel approach"); words common in one field but a subject in another ("model", "learning")
 * are left to inverse document frequency.
 */
import { stemsOf } from "./stems.ts";

export interface PaperText {
	title: string;
	abstract: string;
}

const functionWords = `a about above after again against all almost along already also although always am among an
and another any are around as at be because been before being below between both but by can cannot could did do does
doing done down during each either else enough etc even ever every few for from further had has have having he her
here hers herself him himself his how however i if in into is it its itself just least less let like may me might
more most much must my myself neither no nor not now of off often on once one only onto or other others otherwise our
ours ourselves out over own per perhaps quite rather same several shall she should since so some such than that the
their theirs them themselves then there thereby therefore these they this those though through throughout thus to
together too toward towards under unless until up upon us very via was we well were what whatever when where whereas
whether which while who whom whose why will with within without would yet you your yours yourself yourselves`;

const selfDescription = `abstract achieve achieved achieves achieving additionally address addresses approach
approaches based demonstrate demonstrated demonstrates existing experiment experiments experimental extensive
furthermore introduce introduced introduces leverage leverages leveraging method methods moreover new novel
outperform outperforms paper present presents previous prior propose proposed proposes recent recently respectively
result results show showed shown shows significant significantly specifically study studies use used uses using
various work works`;

const stopStems: ReadonlySet<string> = new Set(stemsOf(`${functionWords} ${selfDescription}`));
// Counts, sizes (65b, 200m, 10k, 1t), factors (5x) and ordinals (1st); 3d and 2d stay: they name subjects.
const quantity = /^[0-9]+(?:[kmbtx]|st|nd|rd|th)?$/;

/** Whether a stem can describe a subject: not a stop word, a lone character or a quantity. */
export const isContentTerm = (stem: string): boolean => stem.length > 1 && !stopStems.has(stem) && !quantity.test(stem);

/** The content terms of a text in order, repeats kept. */
export const contentTermsOf = (text: string): string[] => stemsOf(text).filter(isContentTerm);

/** The distinct content terms of a paper: what its document frequency counts. */
export const termSetOf = (paper: PaperText): Set<string> =>
	new Set([...contentTermsOf(paper.title), ...contentTermsOf(paper.abstract)]);
