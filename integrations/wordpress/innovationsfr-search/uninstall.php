<?php
/**
 * Removes the plugin's options (the index itself is the service's).
 *
 * @package InnovationsFr_Search
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'innovationsfr_search_url' );
delete_option( 'innovationsfr_search_key' );
delete_option( 'innovationsfr_search_queue' );
wp_clear_scheduled_hook( 'innovationsfr_search_retry' );
