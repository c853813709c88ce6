<?php
/**
 * WP-CLI: wp innovationsfr sync | status.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * Sends the site's posts to InnovationsFr Search and says how the link is.
 */
final class InnovationsFr_Search_CLI {

	/**
	 * Sends every published public post, in batches, through the service's bulk endpoint.
	 *
	 * ## OPTIONS
	 *
	 * [--batch=<n>]
	 * : Posts per request.
	 * ---
	 * default: 100
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp innovationsfr sync --batch=200
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function sync( $args, $assoc_args ): void {
		if ( ! InnovationsFr_Search_Client::configured() ) {
			WP_CLI::error( 'Set the service URL and write key first (Settings → InnovationsFr Search).' );
		}

		$total    = (int) ( wp_count_posts( 'post' )->publish ?? 0 );
		$progress = \WP_CLI\Utils\make_progress_bar( 'Sending posts', $total );
		$done     = 0;
		$result   = InnovationsFr_Search_Sync::push_all(
			max( 1, (int) ( $assoc_args['batch'] ?? 100 ) ),
			static function ( int $sent ) use ( $progress, &$done ) {
				$progress->tick( $sent - $done );
				$done = $sent;
			}
		);
		$progress->finish();
		foreach ( $result['errors'] as $error ) {
			WP_CLI::warning( $error );
		}

		if ( $result['errors'] && 0 === $result['posts'] ) {
			WP_CLI::error( 'Nothing was sent.' );
		}

		WP_CLI::success( sprintf( '%d posts sent: %d indexed, %d refused.', $result['posts'], $result['upserted'], $result['rejected'] ) );
	}

	/**
	 * Says whether the service answers, how many articles it holds, whether the key may write, and the retry queue.
	 *
	 * @param array $args       Positional arguments.
	 * @param array $assoc_args Options.
	 */
	public function status( $args, $assoc_args ): void {
		$status = InnovationsFr_Search_Settings::status();
		WP_CLI::log( 'Service: ' . InnovationsFr_Search_Client::url() );
		WP_CLI::log( $status['message'] );
		WP_CLI::log( sprintf( 'Retry queue: %d post(s).', InnovationsFr_Search_Queue::length() ) );
		if ( ! $status['ok'] ) {
			WP_CLI::halt( 1 );
		}
	}
}
