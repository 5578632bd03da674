/** The Dockerfiles the extension works on: the language client's, the provisional linter's and the estimate lens's. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile', scheme: 'file' },
  { language: 'dockerfile', scheme: 'untitled' },
];
