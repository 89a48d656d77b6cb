// Vite imports a file's text with `?raw`: the workerd tests read recorded payloads so,
// having no file system there.
declare module "*?raw" {
	const text: string;
	export default text;
}
