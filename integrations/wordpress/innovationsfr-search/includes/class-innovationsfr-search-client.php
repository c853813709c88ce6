<?php
/**
 * The service's HTTP API, as the plugin uses it.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * Calls the service at the configured URL. The write key goes only in the X-Api-Key header, only to
 * that URL; it is never logged, printed or returned.
 */
final class InnovationsFr_Search_Client {

	const OPTION_URL = 'innovationsfr_search_url';
	const OPTION_KEY = 'innovationsfr_search_key';

	/**
	 * The service's base URL without a trailing slash ('' when not configured).
	 */
	public static function url(): string {
		return rtrim( (string) get_option( self::OPTION_URL, '' ), '/' );
	}

	/**
	 * Whether a URL and a write key are set.
	 */
	public static function configured(): bool {
		return '' !== self::url() && '' !== (string) get_option( self::OPTION_KEY, '' );
	}

	/**
	 * One request. Returns array( 'status' => int (0: no answer), 'body' => decoded JSON or null, 'error' => string|null ).
	 *
	 * @param string     $method  HTTP method.
	 * @param string     $path    Path and query, starting with '/'.
	 * @param mixed|null $payload Sent as JSON when not null.
	 * @param bool       $keyed   Whether to send the write key.
	 * @param int        $timeout Seconds.
	 */
	public static function request( string $method, string $path, $payload = null, bool $keyed = false, int $timeout = 5 ): array {
		if ( '' === self::url() ) {
			return array( 'status' => 0, 'body' => null, 'error' => 'no service URL configured' );
		}

		$headers = array( 'Accept' => 'application/json' );
		if ( $keyed ) {
			$headers['X-Api-Key'] = (string) get_option( self::OPTION_KEY, '' );
		}

		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'headers'     => $headers,
			'redirection' => 0,
		);
		if ( null !== $payload ) {
			$args['headers']['Content-Type'] = 'application/json; charset=utf-8';
			$args['body']                    = wp_json_encode( $payload );
		}

		$response = wp_remote_request( self::url() . $path, $args );
		if ( is_wp_error( $response ) ) {
			return array( 'status' => 0, 'body' => null, 'error' => $response->get_error_message() );
		}

		$status = (int) wp_remote_retrieve_response_code( $response );
		$body   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$error  = null;
		if ( $status < 200 || $status >= 300 ) {
			$detail = is_array( $body ) ? ( $body['detail'] ?? $body['title'] ?? '' ) : '';
			$error  = trim( "HTTP $status $detail" );
		}

		return array( 'status' => $status, 'body' => is_array( $body ) ? $body : null, 'error' => $error );
	}
}
