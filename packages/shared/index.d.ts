/** The app's name, from packages/shared/app.json (the C++ build reads the same file). */
export declare const APP_NAME: string;
/** The app's version, from packages/shared/app.json. */
export declare const APP_VERSION: string;
