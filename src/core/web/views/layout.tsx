/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { assetPath } from "../assets.ts";

/** Every page's <head>: the stylesheet, the icon, and the preview script where a form has topics. */
export const Head: FC<{ title: string; robots?: string | undefined; script?: boolean | undefined }> = ({
	title,
	robots,
	script,
}) => (
	<head>
		<meta charset="utf-8" />
		<meta name="viewport" content="width=device-width, initial-scale=1" />
		{robots ? <meta name="robots" content={robots} /> : null}
		<title>{title}</title>
		<link rel="stylesheet" href={assetPath("app.css")} />
		<link rel="icon" href={assetPath("favicon.svg")} type="image/svg+xml" />
		{script ? <script src={assetPath("preview.js")} defer /> : null}
	</head>
);

/** `error`: the page answers a form with problems; its title says so first, as screen readers announce it. */
export const Layout: FC<PropsWithChildren<{ title: string; script?: boolean; robots?: string; error?: boolean }>> = ({
	title,
	script,
	robots,
	error,
	children,
}) => (
	<>
		{raw("<!doctype html>")}
		<html lang="en">
			<Head
				title={`${error ? "Error: " : ""}${title === "paperboy" ? title : `${title} · paperboy`}`}
				robots={robots}
				script={script}
			/>
			<body>
				<header class="site">
					<a href="/" class="brand">
						paperboy
					</a>
					<span class="tagline">new research papers on your topics, once a week</span>
				</header>
				<main id="main">{children}</main>
				<footer class="site">
					<p>
						Papers come from the Hugging Face Daily Papers and arXiv. One email a week, unsubscribe with one click, your
						data on request.
					</p>
				</footer>
			</body>
		</html>
	</>
);

/** A page that only says something: confirmations, errors, expired links. */
export const MessagePage: FC<PropsWithChildren<{ title: string; heading?: string; actions?: Child }>> = ({
	title,
	heading,
	actions,
	children,
}) => (
	<Layout title={title} robots="noindex">
		<section class="card message">
			<h1>{heading ?? title}</h1>
			{children}
			{actions ? <p class="actions">{actions}</p> : null}
		</section>
	</Layout>
);
