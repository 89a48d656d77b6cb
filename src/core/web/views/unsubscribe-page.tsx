/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { MessagePage } from "./layout.tsx";

/**
 * A GET never unsubscribes (link scanners follow links); the button does. The link only
 * unsubscribes, so the page offers nothing else: the manage link is in each email's body.
 */
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
			Prefer fewer emails? The "Change topics or frequency" link in any paperboy email lets you change your topics, go
			daily or weekly, or pause instead.
		</p>
	</MessagePage>
);

export const UnsubscribedPage: FC<{ known: boolean }> = ({ known }) => (
	<MessagePage title="You are unsubscribed">
		<p>
			{known
				? "You will get no more email from paperboy."
				: "This link belongs to no subscription, so there is nothing left to send to."}
		</p>
		{known ? (
			<p>Changed your mind? The "Change topics or frequency" link in any paperboy email lets you resubscribe.</p>
		) : null}
	</MessagePage>
);
