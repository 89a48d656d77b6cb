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
			One topic per comma or line. Several words match as a phrase; <code>"quotes"</code> too. Use <code>OR</code> for
			alternatives and <code>-word</code> to leave papers out.
		</p>
		{error ? (
			<p class="error" id="keywords-error">
				{error}
			</p>
		) : null}
	</div>
);
