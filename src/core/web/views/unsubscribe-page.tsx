/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { MessagePage } from "./layout.tsx";

/** A GET never unsubscribes (link scanners follow links); the button does. */
export const UnsubscribePage: FC<{ token: string; email: string }> = ({ token, email }) => (
	<MessagePage title="Unsubscribe">
		<p>
			Stop all paperboy email to <strong>{email}</strong>?
		</p>
		<form method="post" action={`/unsubscribe/${token}`}>
			<input type="hidden" name="List-Unsubscribe" value="One-Click" />
			<button type="submit">Unsubscribe</button>
		</form>
		<p class="fineprint">
			Prefer fewer emails? <a href={`/manage/${token}`}>Change your topics, go daily or weekly, or pause</a> instead.
		</p>
	</MessagePage>
);

export const UnsubscribedPage: FC<{ token: string; known: boolean }> = ({ token, known }) => (
	<MessagePage title="You are unsubscribed">
		<p>
			{known
				? "You will get no more email from paperboy."
				: "This link belongs to no subscription, so there is nothing left to send to."}
		</p>
		{known ? (
			<p>
				Changed your mind? <a href={`/manage/${token}`}>Resubscribe from your subscription page</a>.
			</p>
		) : null}
	</MessagePage>
);
