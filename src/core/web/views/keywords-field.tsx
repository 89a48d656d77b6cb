/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";

/** The topics textarea of the signup and manage forms, with its help and error text. */
export const KeywordsField: FC<{ value: string; error: string | undefined; rows: number; placeholder?: string }> = ({
	value,
	error,
	rows,
	placeholder,
}) => (
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
			aria-describedby={`keywords-help${error ? " keywords-error" : ""}`}
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

/** Filled by /static/preview.js as the reader types; hidden (and harmless) without it. */
export const LivePreview: FC = () => (
	<section id="preview" class="preview" aria-live="polite" hidden>
		<h3>Recent papers these topics match</h3>
		<p class="preview-summary" />
		<ol class="preview-list" />
	</section>
);
