/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";

/**
 * The topics textarea of the signup and manage forms, with its help and error text.
 * `focus`: the first field with a problem, focused when the page loads (no script needed).
 */
export const KeywordsField: FC<{
	value: string;
	error: string | undefined;
	rows: number;
	placeholder?: string;
	focus?: boolean;
}> = ({ value, error, rows, placeholder, focus }) => (
	<div class="field">
		<label for="keywords">Topics</label>
		<textarea
			id="keywords"
			name="keywords"
			rows={rows}
			required
			maxlength={1000}
			placeholder={placeholder}
			aria-invalid={error ? "true" : undefined}
			aria-describedby={error ? "keywords-error keywords-help" : "keywords-help"}
			autofocus={focus}
		>
			{value}
		</textarea>
		<p class="help" id="keywords-help">
			One topic per comma or line. Several words match as a phrase; <code>"quotes"</code> too. Acronyms also match what
			they stand for (<code>MoE</code>: mixture of experts) unless quoted. Use <code>OR</code> for alternatives,{" "}
			<code>-word</code> to leave papers out, <code>author:"Albert Gu"</code> for an author and <code>cat:cs.CL</code>{" "}
			for an arXiv category.
		</p>
		{error ? (
			<p class="error" id="keywords-error">
				{error}
			</p>
		) : null}
	</div>
);

/**
 * Filled by /static/preview.js as the reader types; hidden (and harmless) without it.
 * `untilEdited`: only once the topics change (the manage page shows them already).
 */
export const LivePreview: FC<{ untilEdited?: boolean }> = ({ untilEdited }) => (
	<section id="preview" class="preview" aria-live="polite" hidden data-until-edited={untilEdited ? "true" : undefined}>
		<h3>Recent papers these topics match</h3>
		<p class="preview-summary" />
		<ol class="preview-list" />
	</section>
);
