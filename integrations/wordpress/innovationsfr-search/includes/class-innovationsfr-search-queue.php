<?php
/**
 * Calls that failed, retried by WP-Cron with back-off.
 *
 * @package InnovationsFr_Search
 */

defined( 'ABSPATH' ) || exit;

/**
 * One entry per post (its latest state is what is sent, so a post is queued once however often it
 * changed): attempts, when to try next, the last error. Retried every minute by WP-Cron, each post
 * after 30 s, 1, 2, 4 … minutes, at most an hour apart (INNOVATIONSFR_SEARCH_RETRY_BASE sets the first
 * pause in seconds). The settings page and `wp innovationsfr status` show its length.
 */
final class InnovationsFr_Search_Queue {

	const OPTION = 'innovationsfr_search_queue';
	const HOOK   = 'innovationsfr_search_retry';

	public static function register(): void {
		add_filter( 'cron_schedules', array( __CLASS__, 'schedules' ) );
		add_action( self::HOOK, array( __CLASS__, 'run' ), 10, 0 );
		add_action( 'init', array( __CLASS__, 'schedule' ) );
	}

	/**
	 * A minute-long WP-Cron interval.
	 *
	 * @param array $schedules WordPress's schedules.
	 */
	public static function schedules( $schedules ) {
		$schedules['innovationsfr_minute'] = array( 'interval' => 60, 'display' => 'Every minute (InnovationsFr Search retries)' );
		return $schedules;
	}

	public static function schedule(): void {
		if ( ! wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time() + 60, 'innovationsfr_minute', self::HOOK );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
	}

	/**
	 * The queue: post id => array( 'attempts', 'next', 'error' ).
	 */
	public static function all(): array {
		$queue = get_option( self::OPTION, array() );
		return is_array( $queue ) ? $queue : array();
	}

	public static function length(): int {
		return count( self::all() );
	}

	/**
	 * Queues a post after a failed call (or counts one more attempt).
	 *
	 * @param int    $id    The post's id.
	 * @param string $error Why the call failed.
	 */
	public static function add( int $id, string $error ): void {
		$queue    = self::all();
		$attempts = (int) ( $queue[ $id ]['attempts'] ?? 0 ) + 1;
		$base     = defined( 'INNOVATIONSFR_SEARCH_RETRY_BASE' ) ? max( 1, (int) INNOVATIONSFR_SEARCH_RETRY_BASE ) : 30;
		$queue[ $id ] = array(
			'attempts' => $attempts,
			'next'     => time() + min( 3600, $base * ( 2 ** min( 12, $attempts - 1 ) ) ),
			'error'    => substr( $error, 0, 300 ),
		);
		update_option( self::OPTION, $queue, false );
		// A retry at that time, besides the minute's round (the argument keeps WordPress from
		// merging it with another retry due within ten minutes).
		if ( ! wp_next_scheduled( self::HOOK, array( $queue[ $id ]['next'] ) ) ) {
			wp_schedule_single_event( $queue[ $id ]['next'], self::HOOK, array( $queue[ $id ]['next'] ) );
		}
	}

	/**
	 * Takes a post out of the queue (it was sent).
	 *
	 * @param int $id The post's id.
	 */
	public static function forget( int $id ): void {
		$queue = self::all();
		if ( isset( $queue[ $id ] ) ) {
			unset( $queue[ $id ] );
			update_option( self::OPTION, $queue, false );
		}
	}

	/**
	 * WP-Cron's entry point.
	 */
	public static function run(): void {
		self::process( true, 200 );
	}

	/**
	 * Sends queued posts (only those due, or all), at most $limit of them. Returns how many were sent.
	 *
	 * @param bool $due_only Only entries whose back-off has passed.
	 * @param int  $limit    Most posts tried in this call (an editor's request tries a few, WP-Cron more).
	 */
	public static function process( bool $due_only, int $limit = PHP_INT_MAX ): int {
		if ( ! InnovationsFr_Search_Client::configured() ) {
			return 0;
		}

		$sent  = 0;
		$tried = 0;
		foreach ( self::all() as $id => $entry ) {
			if ( $due_only && (int) $entry['next'] > time() ) {
				continue;
			}

			if ( ++$tried > $limit ) {
				break;
			}

			$error = InnovationsFr_Search_Sync::send( (int) $id );
			if ( null === $error ) {
				self::forget( (int) $id );
				++$sent;
			} else {
				self::add( (int) $id, $error );
			}
		}

		return $sent;
	}
}
