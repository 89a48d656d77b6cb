/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { AdminLayout } from "./admin-layout.tsx";

export const SignInPage: FC<{ error?: string }> = ({ error }) => (
	<AdminLayout title="Sign in">
		<section class="card">
			<form method="post" action="/admin/sign-in" novalidate>
				{error ? (
					<p class="form-error" role="alert">
						{error}
					</p>
				) : null}
				<div class="field">
					<label for="token">Admin token</label>
					<input
						type="password"
						id="token"
						name="token"
						autocomplete="current-password"
						required
						aria-invalid={error ? "true" : undefined}
					/>
					<p class="help">The value of the ADMIN_TOKEN setting.</p>
				</div>
				<button type="submit">Sign in</button>
			</form>
		</section>
	</AdminLayout>
);
