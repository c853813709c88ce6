<?php
/**
 * Drives a test WordPress from the command line, through WordPress's own functions (WP-CLI is not
 * packaged by Debian): php wp-do.php DOCROOT COMMAND '{"json": "arguments"}' → one JSON line.
 * Each run is one PHP process: hooks fire as they do for an editor, and the plugin's end-of-request
 * push runs at its end, before the answer is printed.
 */

[ , $docroot, $command, $json ] = $argv + array( '', '', '', '{}' );
$args = json_decode( $json, true ) ?: array();
$_SERVER['HTTP_HOST']   = parse_url( getenv( 'WP_TEST_HOME' ) ?: 'http://127.0.0.1', PHP_URL_HOST );
$_SERVER['REQUEST_URI'] = '/';
define( 'WP_USE_THEMES', false );
if ( str_starts_with( $command, 'cli_' ) ) {
	require __DIR__ . '/wp-cli-shim.php';
	define( 'WP_CLI', true );
}
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';
wp_set_current_user( 1 );

$answer = null;
switch ( $command ) {
	case 'activate':
		switch_theme( 'ifr-test' );
		$result = activate_plugin( 'innovationsfr-search/innovationsfr-search.php' );
		update_option( 'innovationsfr_search_url', $args['url'] );
		update_option( 'innovationsfr_search_key', $args['key'] );
		$answer = array( 'active' => ! is_wp_error( $result ) && is_plugin_active( 'innovationsfr-search/innovationsfr-search.php' ), 'error' => is_wp_error( $result ) ? $result->get_error_message() : null );
		break;
	case 'create_posts': // Many posts at once; tag j of 12 on the first 15 × j posts (distinct counts).
		$ids = array();
		for ( $i = 1; $i <= $args['count']; $i++ ) {
			$tags = array();
			for ( $j = 1; $j <= 12; $j++ ) {
				if ( $i <= 15 * $j ) {
					$tags[] = 'Thème ' . $j;
				}
			}
			$ids[] = wp_insert_post( array( 'post_title' => "Brève $i sur les réseaux", 'post_content' => "<p>Une brève numéro $i sur les réseaux et les télécoms.</p>", 'post_status' => 'publish', 'tags_input' => $tags, 'post_date' => gmdate( 'Y-m-d H:i:s', strtotime( '2025-01-01' ) + $i * 3600 ) ) );
		}
		$answer = array( 'ids' => $ids );
		break;
	case 'publish':
		$category = isset( $args['category'] ) ? wp_create_category( $args['category'] ) : 0;
		$answer   = array(
			'id' => wp_insert_post(
				array(
					'post_title'    => $args['title'],
					'post_content'  => $args['content'],
					'post_excerpt'  => $args['excerpt'] ?? '',
					'post_status'   => 'publish',
					'post_date'     => $args['date'] ?? current_time( 'mysql' ),
					'tags_input'    => $args['tags'] ?? array(),
					'post_category' => $category ? array( $category ) : array(),
				),
				true
			),
		);
		break;
	case 'update':
		$answer = array( 'id' => wp_update_post( array( 'ID' => $args['id'], 'post_title' => $args['title'] ), true ) );
		break;
	case 'rename_tag':
		$term   = get_term_by( 'name', $args['name'], 'post_tag' );
		$result = wp_update_term( $term->term_id, 'post_tag', array( 'name' => $args['new'] ) );
		$answer = array( 'renamed' => ! is_wp_error( $result ) );
		break;
	case 'status':
		$answer = array( 'id' => wp_update_post( array( 'ID' => $args['id'], 'post_status' => $args['status'] ), true ) );
		break;
	case 'trash':
		$answer = array( 'trashed' => (bool) wp_trash_post( $args['id'] ) );
		break;
	case 'cli_sync': // wp innovationsfr sync --batch=N
		$class = WP_CLI::$commands['innovationsfr'];
		( new $class() )->sync( array(), array( 'batch' => $args['batch'] ?? 100 ) );
		$answer = array( 'out' => WP_CLI::$out, 'progress' => WP_CLI::$progress );
		break;
	case 'cli_status': // wp innovationsfr status
		$class = WP_CLI::$commands['innovationsfr'];
		( new $class() )->status( array(), array() );
		$answer = array( 'out' => WP_CLI::$out, 'halted' => WP_CLI::$halted );
		break;
	case 'queue':
		$answer = array( 'length' => InnovationsFr_Search_Queue::length(), 'entries' => InnovationsFr_Search_Queue::all() );
		break;
	case 'published':
		$answer = array( 'count' => (int) wp_count_posts( 'post' )->publish );
		break;
	case 'shortcode':
		$answer = array( 'html' => do_shortcode( $args['text'] ) );
		break;
	case 'blocks':
		$answer = array( 'html' => do_blocks( $args['content'] ) );
		break;
	case 'wp_tag_cloud':
		$answer = array( 'html' => wp_tag_cloud( array_merge( $args, array( 'echo' => false ) ) ) );
		break;
	case 'wordpress_search': // WordPress's own order for a search, without the plugin's answer.
		remove_all_filters( 'posts_pre_query' );
		$answer = array( 'ids' => ( new WP_Query( array( 's' => $args['q'], 'posts_per_page' => 20, 'fields' => 'ids' ) ) )->posts );
		break;
	case 'settings_page':
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		ob_start();
		InnovationsFr_Search_Settings::page();
		$answer = array( 'html' => ob_get_clean() );
		break;
	case 'status_line':
		$answer = InnovationsFr_Search_Settings::status();
		break;
	default:
		fwrite( STDERR, "unknown command $command\n" );
		exit( 2 );
}

// The plugin pushes at the end of the request: run it now, then answer.
do_action( 'shutdown' );
echo wp_json_encode( $answer ), "\n";
