/** Environment variable naming the JSON file the in-host tests write their results to. */
export const HOST_TEST_RESULT_ENV = 'LAKEHOUSE_HOST_TEST_RESULT';

export const EXTENSION_ID = 'lakehouse-studio.lakehouse-studio';
