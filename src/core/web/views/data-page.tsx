/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { MessagePage } from "./layout.tsx";

/** The page behind a mailed data link: download, or delete for good. */
export const DataPage: FC<{ token: string; csrf: string; email: string; errors: Record<string, string> }> = ({
	token,
	csrf,
	email,
	errors,
}) => (
	<MessagePage title="Your data">
		<p>
			Everything paperboy holds about <strong>{email}</strong>: your address, topics, the consent record and your digest
			history.
		</p>
		<p>
			<a href={`/data/${token}/data.json`} download="paperboy-data.json">
				Download my data
			</a>{" "}
			(JSON)
		</p>
		<form method="post" action={`/data/${token}/delete`} class="danger">
			<input type="hidden" name="csrf" value={csrf} />
			<label class="choice">
				<input
					type="checkbox"
					name="confirm"
					value="yes"
					required
					aria-invalid={errors.confirm ? "true" : undefined}
					aria-describedby={errors.confirm ? "confirm-error" : undefined}
				/>{" "}
				I understand this deletes my subscription and history for good
			</label>
			{errors.confirm ? (
				<p class="error" id="confirm-error" role="alert">
					{errors.confirm}
				</p>
			) : null}
			<button type="submit" class="danger">
				Delete me
			</button>
		</form>
		<p class="fineprint">This link works for one hour after it was sent.</p>
	</MessagePage>
);
